#include <doctest/doctest.h>

#include <algorithm>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "models/scan/data/batch.h"
#include "models/scan/pictures/picture_captions.h"
#include "models/scan/pictures/picture_split.h"
#include "models/scan/pictures/region_features.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using fw::Shape;
using picture_test::tiny_config;

namespace {

// Restores the thread count on leaving.
struct ThreadCountGuard {
  int saved = fw::num_threads();
  ~ThreadCountGuard() { fw::set_num_threads(saved); }
};

}  // namespace

TEST_CASE("pictures: a split has the configured sizes, 5 captions per image, boxes and features") {
  const PictureConfig config = tiny_config();
  const PictureSplit train = make_picture_split(config, "train");
  CHECK(train.name() == "train");
  CHECK(train.num_images() == 30);
  CHECK(train.size() == 150);
  CHECK(train.num_regions() == 12);
  CHECK(train.img_dim() == 16);
  CHECK(train.features().shape() == Shape{30, 12, 16});
  CHECK(train.boxes().shape() == Shape{30, 12, 4});
  CHECK(train.boxes().dtype() == fw::DType::Float32);
  CHECK(train.image_row(4) == 0);
  CHECK(train.image_row(5) == 1);
  CHECK(train.image_row(149) == 29);
  CHECK(make_picture_split(config, "dev").num_images() == 4);
  CHECK(make_picture_split(config, "test").size() == 15);
  const std::vector<float> features = train.features().to_vector<float>();
  CHECK(std::all_of(features.begin(), features.end(), [](float v) { return v >= 0.0f; }));
  CHECK(std::count_if(features.begin(), features.end(), [](float v) { return v > 0.0f; }) >
        static_cast<std::ptrdiff_t>(features.size() / 4));
  // Boxes are the scenes' regions, in order; each object's tight box is among its picture's.
  const std::vector<float> boxes = train.boxes().to_vector<float>();
  for (int64_t k = 0; k < train.num_images(); ++k) {
    const PictureScene& scene = train.scenes()[k];
    for (int64_t r = 0; r < 12; ++r)
      for (int c = 0; c < 4; ++c) CHECK(boxes[(k * 12 + r) * 4 + c] == scene.regions[r][c]);
    for (const PictureObject& object : scene.objects)
      CHECK(std::find(scene.regions.begin(), scene.regions.end(), object.box) != scene.regions.end());
  }
  // Captions are encoded with the vocabulary.
  const std::span<const int64_t> ids = train.caption(0);
  CHECK(ids.front() == Vocabulary::kStart);
  CHECK(ids.back() == Vocabulary::kEnd);
  CHECK(static_cast<int64_t>(ids.size()) ==
        static_cast<int64_t>(picture_test::words_of(train.caption_texts()[0]).size()) + 2);
  CHECK(std::find(ids.begin(), ids.end(), Vocabulary::kUnk) == ids.end());
  CHECK_THROWS_WITH_AS(train.image_row(150), "PictureSplit: item 150 is outside 0..149", fw::Error);
  CHECK_THROWS_WITH_AS(train.render(30), "PictureSplit: image row 30 is outside 0..29", fw::Error);
  CHECK_THROWS_WITH_AS(make_picture_split(config, "val"),
                       "make_picture_split: unknown split 'val'; expected train, dev or test", fw::Error);
}

TEST_CASE("pictures: copy_image_rows copies the features, and the features are those of the rendered picture") {
  const PictureSplit dev = make_picture_split(tiny_config(), "dev");
  const int64_t row = 12 * 16;
  std::vector<float> out(2 * row);
  dev.copy_image_rows({3, 1}, out.data());
  const std::vector<float> all = dev.features().to_vector<float>();
  CHECK(std::equal(out.begin(), out.begin() + row, all.begin() + 3 * row));
  CHECK(std::equal(out.begin() + row, out.end(), all.begin() + row));
  std::vector<float> recomputed(row);
  picture_region_features(dev.render(3), dev.scenes()[3].regions, region_projection(16), 16, recomputed.data());
  CHECK(std::equal(recomputed.begin(), recomputed.end(), all.begin() + 3 * row));
  const Batcher batches(dev, 4);  // a CaptionImageSource like any other
  CHECK(batches.num_batches() == 5);
  CHECK(batches.batch(0).images.shape() == Shape{4, 12, 16});
}

TEST_CASE("pictures: the same seed gives the same split whatever the thread count, another seed another") {
  ThreadCountGuard guard;
  const PictureConfig config = tiny_config();
  fw::set_num_threads(1);
  const PictureSplit a = make_picture_split(config, "train");
  fw::set_num_threads(2);
  const PictureSplit b = make_picture_split(config, "train");
  CHECK(a.features().to_vector<float>() == b.features().to_vector<float>());
  CHECK(a.boxes().to_vector<float>() == b.boxes().to_vector<float>());
  CHECK(a.caption_texts() == b.caption_texts());
  for (int64_t k = 0; k < 3; ++k) CHECK(a.render(k).at(10, 10) == b.render(k).at(10, 10));
  PictureConfig other = config;
  other.seed = 6;
  const PictureSplit c = make_picture_split(other, "train");
  CHECK(c.features().to_vector<float>() != a.features().to_vector<float>());
  CHECK(c.caption_texts() != a.caption_texts());
  // Splits have their own streams: another split's size does not change this one, and splits differ.
  PictureConfig more_dev = config;
  more_dev.dev_images = 9;
  CHECK(make_picture_split(more_dev, "train").caption_texts() == a.caption_texts());
  const PictureSplit test = make_picture_split(config, "test");
  CHECK(test.caption_texts()[0] + test.caption_texts()[1] != a.caption_texts()[0] + a.caption_texts()[1]);
}
