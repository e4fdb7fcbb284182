#include "models/scan/pictures/picture_captions.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <string_view>
#include <utility>

#include "framework/core/error.h"
#include "models/scan/pictures/picture_relations.h"

namespace scan {

namespace {

// '@' stands for a noun phrase, '#' for a relation phrase.
const std::array<std::vector<const char*>, kNumCaptionKinds> kForms = {{
    {"@ .", "there is @ .", "a picture of @ .", "@ in the picture ."},
    {"@ and @ .", "there is @ and @ .", "a picture of @ and @ .", "@ with @ ."},
    {"@ # @ .", "there is @ # @ .", "a picture of @ # @ ."},
    {"@ and @ and @ .", "there is @ with @ and @ .", "a picture of @ and @ and @ ."},
}};
constexpr std::size_t kPhrasesPerKind[kNumCaptionKinds] = {1, 2, 2, 3};
constexpr int kCaptionTries = 10;  // draws of a caption until it differs from the picture's earlier ones

struct Related {
  std::size_t first, second;
  int64_t relation;
};

std::vector<Related> related_pairs(const std::vector<PictureObject>& objects) {
  std::vector<Related> pairs;
  for (std::size_t i = 0; i < objects.size(); ++i)
    for (std::size_t j = 0; j < objects.size(); ++j)
      if (i != j)
        if (const std::optional<int64_t> relation = relation_between(objects[i], objects[j]))
          pairs.push_back({i, j, *relation});
  return pairs;
}

// `count` distinct indices of 0..n-1 in random order.
std::vector<std::size_t> distinct_objects(std::size_t n, std::size_t count, fw::Generator& gen) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = 0; i < count; ++i) std::swap(order[i], order[i + gen.below(n - i)]);
  order.resize(count);
  return order;
}

std::string draw_caption(const std::vector<PictureObject>& objects, const std::vector<Related>& related, int64_t kind,
                         fw::Generator& gen) {
  std::vector<std::size_t> chosen;
  int64_t relation = -1;
  if (kind == kRelationCaption) {
    const Related& pair = related[gen.below(related.size())];
    chosen = {pair.first, pair.second};
    relation = pair.relation;
  } else {
    chosen = distinct_objects(objects.size(), kPhrasesPerKind[kind], gen);
  }
  std::vector<std::string> phrases;
  for (std::size_t i : chosen)
    phrases.push_back(noun_phrase(objects[i], static_cast<int64_t>(gen.below(kNumNounNamings))));
  return fill_caption(kind, static_cast<int64_t>(gen.below(kForms[kind].size())), phrases, relation);
}

}  // namespace

std::string noun_phrase(const PictureObject& object, int64_t naming) {
  fw::check(naming >= 0 && naming < kNumNounNamings, "noun_phrase", "expected a naming in 0..", kNumNounNamings - 1,
            ", got ", naming);
  std::string words;
  if (naming != kNameColour) words += size_words().at(object.size) + " ";
  if (naming != kNameSize) words += colour_words().at(object.colour) + " ";
  words += shape_words().at(object.shape);
  const bool vowel = std::string_view("aeiou").find(words.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + words;
}

int64_t caption_forms(int64_t kind) {
  fw::check(kind >= 0 && kind < kNumCaptionKinds, "caption_forms", "expected a caption kind in 0..",
            kNumCaptionKinds - 1, ", got ", kind);
  return static_cast<int64_t>(kForms[kind].size());
}

std::string fill_caption(int64_t kind, int64_t form, const std::vector<std::string>& noun_phrases, int64_t relation) {
  const int64_t forms = caption_forms(kind);
  fw::check(form >= 0 && form < forms, "fill_caption", "expected form 0..", forms - 1, ", got ", form);
  fw::check(noun_phrases.size() == kPhrasesPerKind[kind], "fill_caption", "expected ", kPhrasesPerKind[kind],
            " noun phrases, got ", noun_phrases.size());
  fw::check(kind != kRelationCaption || (relation >= 0 && relation < kNumPictureRelations), "fill_caption",
            "expected a relation in 0..", kNumPictureRelations - 1, ", got ", relation);
  std::string caption;
  std::size_t next = 0;
  for (const char* c = kForms[kind][form]; *c != '\0'; ++c) {
    if (*c == '@')
      caption += noun_phrases[next++];
    else if (*c == '#')
      caption += relation_phrases()[relation];
    else
      caption += *c;
  }
  return caption;
}

std::vector<std::string> picture_captions(const PictureScene& scene, fw::Generator& gen) {
  const std::vector<PictureObject>& objects = scene.objects;
  fw::check(!objects.empty(), "picture_captions", "expected a scene with at least one object");
  const std::vector<Related> related = related_pairs(objects);
  std::vector<int64_t> kinds;
  if (objects.size() == 1) {
    kinds.assign(kPictureCaptionsPerImage, kSingleCaption);
  } else {
    const int64_t two = related.empty() ? kPairCaption : kRelationCaption;
    kinds = {two, two};
    std::vector<int64_t> others = {kSingleCaption, kPairCaption};
    if (!related.empty()) others.push_back(kRelationCaption);
    if (objects.size() >= 3) others.push_back(kTripleCaption);
    while (static_cast<int64_t>(kinds.size()) < kPictureCaptionsPerImage)
      kinds.push_back(others[gen.below(others.size())]);
  }
  std::vector<std::string> captions;
  for (int64_t kind : kinds) {
    std::string caption = draw_caption(objects, related, kind, gen);
    for (int t = 1; t < kCaptionTries && std::find(captions.begin(), captions.end(), caption) != captions.end(); ++t)
      caption = draw_caption(objects, related, kind, gen);
    captions.push_back(std::move(caption));
  }
  for (std::size_t i = captions.size() - 1; i > 0; --i) std::swap(captions[i], captions[gen.below(i + 1)]);
  return captions;
}

}  // namespace scan
