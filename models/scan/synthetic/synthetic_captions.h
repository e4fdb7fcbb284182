#pragma once
// The words and caption templates of the built-in synthetic dataset (synthetic_data.h).
// A caption names 1 to 3 (attribute, object) pairs of its image in a short templated sentence,
//   "a red dog ."   "there is a blue car near a small ball ."   "a green cat and a big hat with a white cup ."
// Only lower-case words separated by single spaces and a final " ." are used, so tokenize_caption
// gives back exactly the words of the text (the tokens are the text split on spaces).
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/data/vocab.h"

namespace scan {

// An object shown with one attribute, as indices into the two word lists below.
struct SyntheticPair {
  int64_t attribute = 0;
  int64_t object = 0;
  bool operator==(const SyntheticPair&) const = default;
};

inline constexpr int64_t kSyntheticMaxPairsPerCaption = 3;
inline constexpr int64_t kSyntheticCaptionForms = 4;  // templates per number of pairs

const std::vector<std::string>& synthetic_attribute_words();  // 8 colours and sizes
const std::vector<std::string>& synthetic_object_words();     // 24 nouns

// <pad> <start> <end> <unk> (0-3), then the template words in order of first appearance, then the
// attribute words, then the object words. The same for every configuration.
Vocabulary synthetic_vocabulary();

// The caption naming `pairs` (1..3, in this order) with template `form` (0..kSyntheticCaptionForms-1).
std::string synthetic_caption(const std::vector<SyntheticPair>& pairs, int64_t form);

}  // namespace scan
