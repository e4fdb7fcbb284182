#include "models/scan/pictures/picture_config.h"

#include "framework/core/error.h"

namespace scan {

int64_t picture_split_index(const std::string& split, const char* op) {
  constexpr const char* kSplits[] = {"train", "dev", "test"};
  for (int64_t i = 0; i < 3; ++i)
    if (split == kSplits[i]) return i;
  throw fw::Error(std::string(op) + ": unknown split '" + split + "'; expected train, dev or test");
}

uint64_t picture_stream_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + (stream + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int64_t PictureConfig::images(const std::string& split) const {
  const int64_t counts[] = {train_images, dev_images, test_images};
  return counts[picture_split_index(split, "PictureConfig::images")];
}

void PictureConfig::validate() const {
  constexpr const char* op = "PictureConfig";
  fw::check(train_images >= 1 && dev_images >= 1 && test_images >= 1, op,
            "expected at least 1 image per split, got train_images = ", train_images, ", dev_images = ", dev_images,
            ", test_images = ", test_images);
  fw::check(width >= kPictureMinSide && width <= kPictureMaxSide, op, "expected width in ", kPictureMinSide, "..",
            kPictureMaxSide, " pixels, got ", width);
  fw::check(height >= kPictureMinSide && height <= kPictureMaxSide, op, "expected height in ", kPictureMinSide, "..",
            kPictureMaxSide, " pixels, got ", height);
  fw::check(min_objects >= 1 && min_objects <= max_objects, op,
            "expected 1 <= min_objects <= max_objects, got min_objects = ", min_objects,
            ", max_objects = ", max_objects);
  fw::check(max_objects <= kPictureMaxObjects, op, "expected max_objects <= ", kPictureMaxObjects, ", got ",
            max_objects);
  fw::check(regions >= max_objects + 1 && regions <= kPictureMaxRegions, op,
            "expected regions in max_objects + 1 = ", max_objects + 1,
            " (a tight box per object and the whole picture) .. ", kPictureMaxRegions, ", got ", regions);
  fw::check(img_dim >= 8, op, "expected img_dim >= 8, got ", img_dim);
}

}  // namespace scan
