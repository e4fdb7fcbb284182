#include "models/scan/visual/split_pointing.h"

#include <algorithm>

#include "framework/core/error.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/visual/alignment.h"

namespace scan {

PointingTally split_pointing(const PreparedModel& prepared, const SplitPictures& split) {
  fw::check(split.has_boxes(), "pointing", "pointing accuracy needs region boxes: '", split.boxes_path(),
            "' does not exist");
  fw::check(split.has_objects(), "pointing", "pointing accuracy needs object annotations: '", split.objects_path(),
            "' does not exist");
  PointingTally tally;
  for (int64_t k = 0; k < split.num_images(); ++k) {
    const std::vector<Box> boxes = split.boxes(k);
    const fw::Tensor features = split.features(k);
    for (int64_t c = 0; c < kCaptionsPerImage; ++c) {
      const auto span = prepared.data->caption(k * kCaptionsPerImage + c);
      const std::vector<int64_t> ids(span.begin(), span.end());
      if (std::all_of(ids.begin() + 1, ids.end() - 1, [](int64_t id) { return id == Vocabulary::kUnk; })) continue;
      add_pointing(align_pair(*prepared.model, features, ids, prepared.vocab), boxes, split.objects(k), tally);
    }
  }
  return tally;
}

}  // namespace scan
