#pragma once
// Helpers for the synthetic picture tests: a small configuration, hand-made scenes, and a parser of
// the captions back into the objects and relation they name, to check them against the scene.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "models/scan/pictures/picture_config.h"
#include "models/scan/pictures/picture_palette.h"
#include "models/scan/pictures/picture_relations.h"
#include "models/scan/pictures/picture_scene.h"
#include "models/scan/pictures/region_proposals.h"
#include "models/scan/pictures/shape_outline.h"

namespace picture_test {

using namespace scan;

inline PictureConfig tiny_config() {
  PictureConfig config;
  config.seed = 5;
  config.train_images = 30;
  config.dev_images = 4;
  config.test_images = 3;
  config.width = 64;
  config.height = 64;
  config.regions = 12;
  config.img_dim = 16;
  return config;
}

inline std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

inline int64_t index_in(const std::vector<std::string>& list, const std::string& word) {
  const auto it = std::find(list.begin(), list.end(), word);
  return it == list.end() ? -1 : static_cast<int64_t>(it - list.begin());
}

// An object at (cx, cy) with a layout box of side `side`, its tight box computed as the scene does.
inline PictureObject make_object(int64_t shape, int64_t colour, int64_t size, double cx, double cy, double side,
                                 int width = 64, int height = 64) {
  PictureObject object;
  object.shape = shape;
  object.colour = colour;
  object.size = size;
  object.rgb = picture_base_colour(colour);
  object.centre_x = cx;
  object.centre_y = cy;
  object.side = side;
  const std::array<double, 4> box = outline_box(make_outline(object));
  object.box = fit_box(box[0], box[1], box[2], box[3], width, height);
  return object;
}

// A noun phrase parsed back: -1 for an attribute it does not name.
struct NamedObject {
  int64_t shape = -1, colour = -1, size = -1;
};

inline bool matches(const NamedObject& named, const PictureObject& object) {
  return named.shape == object.shape && (named.colour < 0 || named.colour == object.colour) &&
         (named.size < 0 || named.size == object.size);
}

struct ParsedCaption {
  std::vector<NamedObject> objects;
  std::optional<int64_t> relation;  // between objects[0] and objects[1]
};

// Parses the grammar of picture_captions.h; fails the test on anything else.
inline ParsedCaption parse_caption(const std::string& text) {
  const std::vector<std::string> w = words_of(text);
  ParsedCaption parsed;
  REQUIRE(w.size() >= 3);
  REQUIRE(w.back() == ".");
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] != "a" && w[i] != "an") continue;
    if (i + 1 < w.size() && w[i + 1] == "picture") continue;  // "a picture of"
    NamedObject named;
    std::size_t j = i + 1;
    REQUIRE(j < w.size());
    const bool vowel = std::string("aeiou").find(w[j][0]) != std::string::npos;
    CHECK_MESSAGE((w[i] == "an") == vowel, "article before '" << w[j] << "' in: " << text);
    if (index_in(size_words(), w[j]) >= 0) named.size = index_in(size_words(), w[j++]);
    if (index_in(colour_words(), w[j]) >= 0) named.colour = index_in(colour_words(), w[j++]);
    named.shape = index_in(shape_words(), w[j]);
    REQUIRE_MESSAGE(named.shape >= 0, "no shape after '" << w[i] << "' in: " << text);
    CHECK_MESSAGE((named.size >= 0 || named.colour >= 0), "an object named by its shape alone in: " << text);
    parsed.objects.push_back(named);
    if (parsed.objects.size() == 1) {
      const std::string next = j + 1 < w.size() ? w[j + 1] : "";
      const std::string after = j + 2 < w.size() ? w[j + 2] : "";
      if (next == "above") parsed.relation = kAbove;
      if (next == "below") parsed.relation = kBelow;
      if (next == "left" && after == "of") parsed.relation = kLeftOf;
      if (next == "right" && after == "of") parsed.relation = kRightOf;
    }
    i = j;
  }
  return parsed;
}

// What a viewer sees, written independently of relation_between: where a's centre is relative to
// b's, on the axis along which they are clearly (20% more) farther apart; nothing when neither is.
inline std::optional<int64_t> seen_relation(const PictureObject& a, const PictureObject& b) {
  const double ax = (a.box[0] + a.box[2]) / 2.0, ay = (a.box[1] + a.box[3]) / 2.0;
  const double bx = (b.box[0] + b.box[2]) / 2.0, by = (b.box[1] + b.box[3]) / 2.0;
  const double horizontal = std::abs(ax - bx), vertical = std::abs(ay - by);
  if (horizontal >= 1.2 * vertical && horizontal > 0) return ax < bx ? kLeftOf : kRightOf;
  if (vertical >= 1.2 * horizontal && vertical > 0) return ay < by ? kAbove : kBelow;  // y points down
  return std::nullopt;
}

// Whether distinct objects of the scene match the named ones in order (and have the relation).
inline bool true_of(const ParsedCaption& caption, const std::vector<PictureObject>& objects) {
  std::vector<std::size_t> order(objects.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  do {
    bool all = caption.objects.size() <= objects.size();
    for (std::size_t k = 0; all && k < caption.objects.size(); ++k)
      all = matches(caption.objects[k], objects[order[k]]);
    if (all && caption.relation) all = seen_relation(objects[order[0]], objects[order[1]]) == caption.relation;
    if (all) return true;
  } while (std::next_permutation(order.begin(), order.end()));
  return false;
}

}  // namespace picture_test
