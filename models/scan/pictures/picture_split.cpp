#include "models/scan/pictures/picture_split.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "models/scan/pictures/picture_captions.h"
#include "models/scan/pictures/picture_render.h"
#include "models/scan/pictures/region_features.h"

namespace scan {

namespace {

fw::Tensor boxes_of(const std::vector<PictureScene>& scenes, int64_t regions) {
  const auto n = static_cast<int64_t>(scenes.size());
  fw::Tensor boxes = fw::Tensor::empty({n, regions, 4}, fw::DType::Float32);
  float* out = boxes.data<float>();
  for (const PictureScene& scene : scenes) {
    fw::check(static_cast<int64_t>(scene.regions.size()) == regions, "PictureSplit", "expected ", regions,
              " region boxes in every scene, got ", scene.regions.size());
    for (const PictureBox& box : scene.regions) out = std::copy(box.begin(), box.end(), out);
  }
  return boxes;
}

}  // namespace

PictureSplit::PictureSplit(std::string name, Vocabulary vocab, std::vector<PictureScene> scenes, fw::Tensor features,
                           std::vector<std::string> captions)
    : InMemorySplit("PictureSplit", std::move(name), std::move(vocab), std::move(features), std::move(captions)),
      scenes_(std::move(scenes)) {
  fw::check(static_cast<int64_t>(scenes_.size()) == num_images(), "PictureSplit", "expected features of ",
            scenes_.size(), " pictures, got ", fw::shape_str(InMemorySplit::features().shape()));
  boxes_ = boxes_of(scenes_, num_regions());
}

Image PictureSplit::render(int64_t image) const {
  check_image(image);
  return render_scene(scenes_[image]);
}

PictureSplit make_picture_split(const PictureConfig& config, const std::string& split) {
  config.validate();
  const auto index = static_cast<uint64_t>(picture_split_index(split, "make_picture_split"));
  const int64_t n = config.images(split);
  fw::Generator gen(picture_stream_seed(config.seed, 1 + index));
  std::vector<PictureScene> scenes;
  std::vector<std::string> captions;
  scenes.reserve(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    scenes.push_back(sample_scene(config, gen));
    for (std::string& caption : picture_captions(scenes.back(), gen)) captions.push_back(std::move(caption));
  }
  const std::vector<float> projection = region_projection(config.img_dim);
  fw::Tensor features = fw::Tensor::empty({n, config.regions, config.img_dim}, fw::DType::Float32);
  float* out = features.data<float>();
  const int64_t row_numel = config.regions * config.img_dim;
  // An exception may not leave an OpenMP region: the first is kept and rethrown here.
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(n));
  fw::parallel_for(n, 4, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) try {
        picture_region_features(render_scene(scenes[i]), scenes[i].regions, projection, config.img_dim,
                                out + i * row_numel);
      } catch (...) {
        errors[i] = std::current_exception();
      }
  });
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
  return PictureSplit(split, picture_vocabulary(), std::move(scenes), std::move(features), std::move(captions));
}

}  // namespace scan
