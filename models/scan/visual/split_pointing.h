#pragma once
// Pointing accuracy (pointing.h) over every caption of a split with region boxes and object
// annotations: each caption aligned with its own image.
//   PointingTally t = split_pointing(prepared, SplitPictures(prepared, "test"));
#include "models/scan/eval/prepared_model.h"
#include "models/scan/visual/pointing.h"
#include "models/scan/visual/split_pictures.h"

namespace scan {

// fw::Error naming the missing file when the split has no boxes or no annotations. Captions of
// only unknown words are skipped.
PointingTally split_pointing(const PreparedModel& prepared, const SplitPictures& split);

}  // namespace scan
