#include "models/scan/synthetic/synthetic_captions.h"

#include <array>
#include <sstream>

#include "framework/core/error.h"

namespace scan {

namespace {

// '@' stands for one "<attribute> <object>" phrase; kTemplates[n - 1] name n pairs.
const std::array<std::array<const char*, kSyntheticCaptionForms>, kSyntheticMaxPairsPerCaption> kTemplates = {{
    {"a @ .", "there is a @ .", "a photo of a @ .", "a picture showing a @ ."},
    {"a @ next to a @ .", "a @ and a @ .", "there is a @ near a @ .", "a photo of a @ with a @ ."},
    {"a @ and a @ with a @ .", "there is a @ next to a @ and a @ .", "a @ near a @ and a @ .",
     "a photo of a @ with a @ and a @ ."},
}};

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

const std::vector<std::string>& synthetic_attribute_words() {
  static const std::vector<std::string> words = {"red", "blue", "green", "yellow", "black", "white", "small", "big"};
  return words;
}

const std::vector<std::string>& synthetic_object_words() {
  static const std::vector<std::string> words = {"dog",  "cat",   "man",  "woman", "car",   "ball",
                                                 "tree", "bird",  "horse", "boat", "bike",  "chair",
                                                 "table", "cup",  "hat",  "kite",  "bus",   "truck",
                                                 "house", "flower", "bag", "box",  "book",  "shirt"};
  return words;
}

Vocabulary synthetic_vocabulary() {
  Vocabulary vocab;
  for (const auto& forms : kTemplates)
    for (const char* form : forms)
      for (const std::string& word : split_words(form))
        if (word != "@") vocab.add(word);
  for (const std::string& word : synthetic_attribute_words()) vocab.add(word);
  for (const std::string& word : synthetic_object_words()) vocab.add(word);
  return vocab;
}

std::string synthetic_caption(const std::vector<SyntheticPair>& pairs, int64_t form) {
  const auto n = static_cast<int64_t>(pairs.size());
  fw::check(n >= 1 && n <= kSyntheticMaxPairsPerCaption, "synthetic_caption", "expected 1 to ",
            kSyntheticMaxPairsPerCaption, " pairs, got ", n);
  fw::check(form >= 0 && form < kSyntheticCaptionForms, "synthetic_caption", "expected form 0..",
            kSyntheticCaptionForms - 1, ", got ", form);
  const auto& attributes = synthetic_attribute_words();
  const auto& objects = synthetic_object_words();
  std::string caption;
  std::size_t next = 0;
  for (const char* c = kTemplates[n - 1][form]; *c != '\0'; ++c) {
    if (*c != '@') {
      caption += *c;
      continue;
    }
    const SyntheticPair& pair = pairs[next++];
    fw::check(pair.attribute >= 0 && pair.attribute < static_cast<int64_t>(attributes.size()) &&
                  pair.object >= 0 && pair.object < static_cast<int64_t>(objects.size()),
              "synthetic_caption", "pair (", pair.attribute, ", ", pair.object, ") is outside the ",
              attributes.size(), " attributes x ", objects.size(), " objects");
    caption += attributes[pair.attribute] + " " + objects[pair.object];
  }
  return caption;
}

}  // namespace scan
