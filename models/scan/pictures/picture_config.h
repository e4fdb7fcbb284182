#pragma once
// The settings of the synthetic picture dataset (picture_split.h): how many pictures per split, their
// size, and the shape of the region features written for them.
//   PictureConfig config;                 // 2000 / 100 / 100 pictures of 128 x 128, 36 regions of 256 values
//   config.train_images = 500;
//   config.validate();                    // fw::Error naming the field, its value and what is accepted
//   PictureSplit dev = make_picture_split(config, "dev");
#include <cstdint>
#include <string>

namespace scan {

struct PictureConfig {
  uint64_t seed = 1;
  int64_t train_images = 2000, dev_images = 100, test_images = 100;
  int width = 128, height = 128;             // pixels; object sizes are proportions of min(width, height)
  int64_t regions = 36;                      // region boxes (and feature rows) per picture
  int64_t img_dim = 256;                     // values per region feature
  int64_t min_objects = 1, max_objects = 3;  // objects per picture (min_objects is a target, see picture_scene.h)

  int64_t images(const std::string& split) const;  // train_images, dev_images or test_images
  void validate() const;
};

inline constexpr int kPictureMinSide = 48, kPictureMaxSide = 1024;
inline constexpr int64_t kPictureMaxObjects = 4;
inline constexpr int64_t kPictureMaxRegions = 1000;

// 0, 1, 2 for "train", "dev", "test"; fw::Error for any other name (naming `op`).
int64_t picture_split_index(const std::string& split, const char* op);

// Independent streams of one seed (splitmix64 of seed + (stream + 1) * golden ratio): stream 1 + i
// draws split i, so a split does not depend on the sizes of the others.
uint64_t picture_stream_seed(uint64_t seed, uint64_t stream);

}  // namespace scan
