#pragma once
// The captions of the synthetic pictures: 5 per picture from a small grammar, every one true of its
// picture. Lower-case words separated by single spaces ending in " .", so tokenize_caption gives
// back exactly the words, all of them in picture_vocabulary().
//   noun phrase  ("a" | "an") (size | colour | size colour) shape      "a small red circle", "an orange star"
//   single       "@ ."  "there is @ ."  "a picture of @ ."  "@ in the picture ."
//   pair         "@ and @ ."  "there is @ and @ ."  "a picture of @ and @ ."  "@ with @ ."
//   relation     "@ # @ ."  "there is @ # @ ."  "a picture of @ # @ ."          (# = "left of", ...)
//   triple       "@ and @ and @ ."  "there is @ with @ and @ ."  "a picture of @ and @ and @ ."
// Which captions a picture gets (picture_captions):
//   1 object     5 single captions;
//   2+ objects   2 relation captions (pair captions when no two objects have a clear relation,
//                picture_relations.h), then 3 drawn among single, pair, relation (when possible) and
//                triple (3+ objects); then the 5 are shuffled.
// The objects of a caption are distinct, its relation is the true one of the first object to the
// second, and the naming of each object is drawn uniformly. A caption equal to one the picture already
// has is drawn again (up to 10 times), so a picture's captions are nearly always distinct.
//   std::vector<std::string> captions = picture_captions(scene, gen);
//   // "a large green ring left of a blue star ." "there is a small purple cross ." ...
#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/random.h"
#include "models/scan/pictures/picture_scene.h"

namespace scan {

inline constexpr int64_t kPictureCaptionsPerImage = 5;

enum NounNaming : int64_t { kNameSize, kNameColour, kNameSizeColour, kNumNounNamings };
enum CaptionKind : int64_t { kSingleCaption, kPairCaption, kRelationCaption, kTripleCaption, kNumCaptionKinds };

std::string noun_phrase(const PictureObject& object, int64_t naming);

int64_t caption_forms(int64_t kind);
// The template `form` of `kind` with its noun phrases (1, 2, 2 or 3 of them) and, for a relation
// caption, the PictureRelation between the first and the second.
std::string fill_caption(int64_t kind, int64_t form, const std::vector<std::string>& noun_phrases,
                         int64_t relation = -1);

std::vector<std::string> picture_captions(const PictureScene& scene, fw::Generator& gen);

}  // namespace scan
