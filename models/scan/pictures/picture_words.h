#pragma once
// The words of the synthetic picture dataset: the nouns (shapes), the attributes (colours, sizes),
// the relations between two objects, and the fixed vocabulary of every caption the grammar
// (picture_captions.h) can produce.
//   shape_words()[kStar] == "star"     colour_words()[kOrange] == "orange"     size_words()[kLarge] == "large"
//   Vocabulary vocab = picture_vocabulary();   // the same for every seed and configuration
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/data/vocab.h"

namespace scan {

enum PictureShape : int64_t { kCircle, kSquare, kTriangle, kStar, kRing, kCross, kNumPictureShapes };
enum PictureColour : int64_t { kRed, kGreen, kBlue, kYellow, kPurple, kOrange, kNumPictureColours };
enum PictureSize : int64_t { kSmall, kLarge, kNumPictureSizes };
// Where the first object is relative to the second: "a red circle left of a blue star".
enum PictureRelation : int64_t { kLeftOf, kRightOf, kAbove, kBelow, kNumPictureRelations };

const std::vector<std::string>& shape_words();       // indexed by PictureShape
const std::vector<std::string>& colour_words();      // indexed by PictureColour
const std::vector<std::string>& size_words();        // indexed by PictureSize
const std::vector<std::string>& relation_phrases();  // indexed by PictureRelation: "left of", ..., "below"
// The words of the caption templates other than the noun phrases' and relations' words.
const std::vector<std::string>& picture_grammar_words();

// <pad> <start> <end> <unk> (0-3), then the grammar words, the relation words, the sizes, the
// colours and the shapes, in the order of the lists above.
Vocabulary picture_vocabulary();

}  // namespace scan
