#pragma once
// The top images of a text query in one labelled grid: each tile its rank, image index and score,
// ground-truth images framed in green with a check mark, the others in grey.
//   Image grid = retrieval_grid("a red circle .", results, font);
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/visual/image.h"
#include "models/scan/visual/text.h"

namespace scan {

struct RetrievedImage {
  Image picture;
  int64_t index = 0;   // image row in the split
  double score = 0;
  bool relevant = false;  // the query is one of this image's captions
};

Image retrieval_grid(const std::string& query, const std::vector<RetrievedImage>& results, const Font& font,
                     int tile_side = 180);

}  // namespace scan
