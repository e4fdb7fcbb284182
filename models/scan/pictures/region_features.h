#pragma once
// Region features of a synthetic picture as a detector's CNN would give them: one img_dim vector per
// region box, non-negative and dense, computed from the pixels in the box.
//   std::vector<float> projection = region_projection(256);       // the same for every dataset seed
//   std::vector<float> features(boxes.size() * 256);
//   picture_region_features(picture, boxes, projection, 256, features.data());
//
// For each box: its descriptor d (region_descriptor.h, kRegionDescriptorSize = D values) is
// standardised with fixed constants (not fitted to any data: the same for every seed and split),
//   z_i = (d_i - offset_i) / scale_i            (the table in region_features.cpp, per block)
// except that the moments (indices 52-60), whose values for a scattered foreground reach 100 times those
// of one shape, are first compressed: d_i -> sign(d_i) ln(1 + |d_i| / unit_i), unit 0.01 to 0.1 by order.
// and lifted by a fixed random projection and a ReLU:
//   feature_j = max(0, sum_i z_i P_ij),   P_ij ~ N(0, 1) / sqrt(D)
// P is drawn from kRegionProjectionSeed, which does not depend on the dataset's seed, so every
// dataset and split shares one feature space. With z of order 1 the sums are of order 1 and about
// half of the values are positive. The hue block has the smallest scale, so colour weighs most.
#include <cstdint>
#include <vector>

#include "models/scan/pictures/region_descriptor.h"
#include "models/scan/visual/image.h"

namespace scan {

inline constexpr uint64_t kRegionProjectionSeed = 0x5CA9F1C7A3B2D401ULL;

// P as [kRegionDescriptorSize, img_dim] row-major floats.
std::vector<float> region_projection(int64_t img_dim);

// z from d, in place.
void standardise_descriptor(RegionDescriptor& descriptor);

// The features of every box of `picture` into out (boxes.size() x img_dim floats).
void picture_region_features(const Image& picture, const std::vector<PictureBox>& boxes,
                             const std::vector<float>& projection, int64_t img_dim, float* out);

}  // namespace scan
