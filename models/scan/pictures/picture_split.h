#pragma once
// One split of the synthetic picture dataset, in memory: pictures rendered from pixels, their region
// boxes and features, and 5 captions each. A CaptionImageSource like PrecompDataset, so the Batcher,
// the trainer and the evaluator read it as they read the original's precomputed features.
//   PictureConfig config;                                   // 2000 / 100 / 100 pictures of 128 x 128
//   PictureSplit train = make_picture_split(config, "train");
//   Batcher batches(train, 128);
//   write_png(train.render(7), "picture_7.png");            // what image row 7's features were computed from
//
// Rows: image row k is scene k; items 5k..5k+4 are its captions (im_div 5, as the original's layout).
// Generation: scenes and captions are drawn in order from the split's own stream of the seed
// (picture_config.h), so a split does not depend on the sizes of the others; the features are then
// computed from each rendered picture in parallel, a pure function of its scene, so they do not depend
// on the thread count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/data/in_memory_split.h"
#include "models/scan/data/vocab.h"
#include "models/scan/pictures/picture_config.h"
#include "models/scan/pictures/picture_scene.h"
#include "models/scan/visual/image.h"

namespace scan {

class PictureSplit : public InMemorySplit {
 public:
  PictureSplit(std::string name, Vocabulary vocab, std::vector<PictureScene> scenes, fw::Tensor features,
               std::vector<std::string> captions);

  const std::vector<PictureScene>& scenes() const { return scenes_; }
  const fw::Tensor& boxes() const { return boxes_; }  // [num_images, regions, 4] float32, x1 y1 x2 y2
  // The picture of image row `image` (rendered again from its scene: the same pixels every time).
  Image render(int64_t image) const;

 private:
  std::vector<PictureScene> scenes_;
  fw::Tensor boxes_;
};

// Split "train", "dev" or "test" of `config` (validated first).
PictureSplit make_picture_split(const PictureConfig& config, const std::string& split);

}  // namespace scan
