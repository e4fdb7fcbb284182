#pragma once
// Pointing accuracy: does a word that names an object attend that object's region most?
// Annotations, {split}_objects.json beside the features, entry k for row k of {split}_ims.npy
// (names are lower-cased when read, as caption tokens are):
//   {"images": [{"objects": [{"name": "circle", "attributes": ["small", "red"], "box": [x1, y1, x2, y2]}, ...]}, ...]}
// For each caption token equal to the name of an object of its image, the text-to-image attention's
// top region is a hit when its box overlaps a box of an object of that name with IoU >= 0.5 (the
// pointing game of Flickr30K Entities, with region proposals instead of pixels). The baseline
// points at a region drawn uniformly at random: its expected hits are the fraction of the image's
// regions that would count as a hit, summed over the same words.
//   PointingTally tally;
//   add_pointing(alignment, boxes, objects[k], tally);
//   tally.accuracy(), tally.random_accuracy()
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/visual/alignment.h"
#include "models/scan/visual/boxes.h"

namespace scan {

struct AnnotatedObject {
  std::string name;
  std::vector<std::string> attributes;
  Box box;
};

// fw::Error naming the file for a missing file, malformed JSON, a missing field, a box that is not
// 4 numbers with x1 < x2 and y1 < y2, or a number of images other than `expected_images`.
std::vector<std::vector<AnnotatedObject>> load_objects(const std::string& path, int64_t expected_images);

inline constexpr double kPointingIou = 0.5;

struct PointingTally {
  int64_t words = 0;        // caption tokens that name an annotated object of their image
  int64_t hits = 0;         // of which the top region hits it
  double random_hits = 0;   // expected hits of a uniformly random region
  double accuracy() const { return words ? static_cast<double>(hits) / words : 0.0; }
  double random_accuracy() const { return words ? random_hits / words : 0.0; }
};

// Adds the pair's named words to `tally`. `boxes` are the image's regions (one per region of
// `alignment`), `objects` its annotations.
void add_pointing(const PairAlignment& alignment, const std::vector<Box>& boxes,
                  const std::vector<AnnotatedObject>& objects, PointingTally& tally);

}  // namespace scan
