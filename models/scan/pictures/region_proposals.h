#pragma once
// The region boxes of a synthetic picture, standing in for a detector's proposals (the original's
// bottom-up-attention boxes): exactly `regions` boxes, in random order, made of
//   1. every object's tight box;
//   2. kProposalsPerObject jittered boxes per object (as many as fit in `regions` - objects - 1): the
//      first half near the object (IoU with its tight box >= 0.5), the other half loose (IoU < 0.5);
//   3. the whole picture;
//   4. background boxes filling the rest: random positions, sides uniform in 8%..100% of the picture's.
// Every box lies in the picture (0 <= x1 < x2 <= width, the same for y), has sides of at least
// kMinRegionSide pixels, and has corners on multiples of 1/16 pixel (exact in float32 and in decimal).
//   std::vector<PictureBox> boxes = propose_regions(scene.objects, 128, 128, 36, gen);
#include <cstdint>
#include <vector>

#include "framework/core/random.h"
#include "models/scan/pictures/picture_object.h"

namespace scan {

inline constexpr int64_t kProposalsPerObject = 4;
inline constexpr float kMinRegionSide = 4;

std::vector<PictureBox> propose_regions(const std::vector<PictureObject>& objects, int width, int height,
                                        int64_t regions, fw::Generator& gen);

// Intersection over union of two boxes (0 when they do not overlap).
double box_iou(const PictureBox& a, const PictureBox& b);

// The box x1 y1 x2 y2 moved into the picture: clamped, widened to kMinRegionSide where needed, then
// widened outwards to multiples of 1/16 pixel.
PictureBox fit_box(double x1, double y1, double x2, double y2, int width, int height);

}  // namespace scan
