#include "models/scan/pictures/region_features.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/pictures/pixel_sums.h"

namespace scan {

namespace {

struct Standardisation {
  int first, count;  // descriptor indices first .. first + count - 1
  double offset, scale;
  double unit = 0;  // > 0: the value is first compressed to sign(d) ln(1 + |d| / unit)
};

// Offsets near the typical value of each entry over the regions of the pictures, scales near its spread
// (the hue block's smaller, to weigh colour more).
constexpr Standardisation kStandardisation[] = {
    {kDescriptorForeground, 1, 0.15, 0.25},
    {kDescriptorForegroundMean, 3, 0.35, 0.3},
    {kDescriptorForegroundStd, 3, 0.05, 0.08},
    {kDescriptorBoxMean, 3, 0.55, 0.15},
    {kDescriptorBoxStd, 3, 0.12, 0.1},
    {kDescriptorHue, kHueBins, 0.05, 0.15},
    {kDescriptorGrid, kGridCellCount, 0.2, 0.3},
    {kDescriptorCentroid, 2, 0.5, 0.2},
    // The moments of a scattered foreground (parts of two objects in one box) reach 100 times those of
    // one shape, so they are compressed first.
    {kDescriptorMoments, 2, 1.1, 0.85, 0.05},     // eta_20, eta_02
    {kDescriptorMoments + 2, 1, 0.0, 1.2, 0.02},  // eta_11
    {kDescriptorMoments + 3, 4, 0.0, 1.5, 0.01},  // third-order eta
    {kDescriptorHu, 1, 1.2, 0.85, 0.1},
    {kDescriptorHu + 1, 1, 1.2, 1.8, 0.01},
    {kDescriptorMaskBox, 2, 0.2, 0.25},      // top-left corner
    {kDescriptorMaskBox + 2, 2, 0.8, 0.25},  // bottom-right corner
    {kDescriptorExtent, 1, 0.5, 0.25},
    {kDescriptorGeometry, 2, 0.3, 0.25},      // x1, y1
    {kDescriptorGeometry + 2, 2, 0.7, 0.25},  // x2, y2
    {kDescriptorGeometry + 4, 2, 0.5, 0.2},   // centre
    {kDescriptorGeometry + 6, 2, 0.4, 0.25},  // width, height
    {kDescriptorGeometry + 8, 1, 0.2, 0.2},   // area
    {kDescriptorGeometry + 9, 1, 0.0, 0.5},   // ln aspect
};

constexpr bool covers_descriptor() {
  int next = 0;
  for (const Standardisation& s : kStandardisation) {
    if (s.first != next) return false;
    next += s.count;
  }
  return next == kRegionDescriptorSize;
}
static_assert(covers_descriptor(), "the standardisation table must cover every descriptor entry once, in order");

}  // namespace

std::vector<float> region_projection(int64_t img_dim) {
  fw::check(img_dim >= 1, "region_projection", "expected img_dim >= 1, got ", img_dim);
  fw::Generator gen(kRegionProjectionSeed);
  const double scale = 1.0 / std::sqrt(static_cast<double>(kRegionDescriptorSize));
  std::vector<float> projection(static_cast<std::size_t>(kRegionDescriptorSize * img_dim));
  for (float& value : projection) value = static_cast<float>(gen.normal() * scale);
  return projection;
}

void standardise_descriptor(RegionDescriptor& descriptor) {
  for (const Standardisation& s : kStandardisation)
    for (int i = s.first; i < s.first + s.count; ++i) {
      double value = descriptor[i];
      if (s.unit > 0) value = std::copysign(std::log1p(std::abs(value) / s.unit), value);
      descriptor[i] = (value - s.offset) / s.scale;
    }
}

void picture_region_features(const Image& picture, const std::vector<PictureBox>& boxes,
                             const std::vector<float>& projection, int64_t img_dim, float* out) {
  fw::check(static_cast<int64_t>(projection.size()) == kRegionDescriptorSize * img_dim, "picture_region_features",
            "expected a projection of ", kRegionDescriptorSize, " x ", img_dim, " values, got ", projection.size());
  const PixelSums sums(picture);
  for (std::size_t r = 0; r < boxes.size(); ++r) {
    RegionDescriptor z = region_descriptor(sums, boxes[r]);
    standardise_descriptor(z);
    float* feature = out + static_cast<int64_t>(r) * img_dim;
    std::fill(feature, feature + img_dim, 0.0f);
    // Row by row of P, so every output sums its terms in the same order (and the loop vectorises).
    for (int i = 0; i < kRegionDescriptorSize; ++i) {
      const auto zi = static_cast<float>(z[i]);
      const float* row = projection.data() + i * img_dim;
      for (int64_t j = 0; j < img_dim; ++j) feature[j] += zi * row[j];
    }
    for (int64_t j = 0; j < img_dim; ++j) feature[j] = std::max(feature[j], 0.0f);
  }
}

}  // namespace scan
