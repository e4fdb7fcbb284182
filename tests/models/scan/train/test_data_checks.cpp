// The checks that stop training before it starts when the data does not fit the options.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/train/data_checks.h"

namespace {

// An in-memory source: `captions` items, item i uses image row i / 5; every feature is 0.5 except
// those set with poison().
class FakeSource : public scan::CaptionImageSource {
 public:
  FakeSource(std::vector<std::vector<int64_t>> captions, int64_t regions, int64_t img_dim)
      : captions_(std::move(captions)), regions_(regions), img_dim_(img_dim),
        features_(static_cast<std::size_t>(num_images() * regions * img_dim), 0.5f) {}
  void poison(int64_t row, float value) { features_[static_cast<std::size_t>(row * regions_ * img_dim_ + 1)] = value; }

  int64_t size() const override { return static_cast<int64_t>(captions_.size()); }
  int64_t num_images() const override { return (size() + 4) / 5; }
  int64_t image_row(int64_t item) const override { return item / 5; }
  std::span<const int64_t> caption(int64_t item) const override { return captions_[static_cast<std::size_t>(item)]; }
  int64_t num_regions() const override { return regions_; }
  int64_t img_dim() const override { return img_dim_; }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override {
    const int64_t n = regions_ * img_dim_;
    for (const int64_t row : rows) out = std::copy_n(features_.begin() + row * n, n, out);
  }

 private:
  std::vector<std::vector<int64_t>> captions_;
  int64_t regions_, img_dim_;
  std::vector<float> features_;
};

std::vector<std::vector<int64_t>> good_captions(int64_t n) {
  std::vector<std::vector<int64_t>> captions;
  for (int64_t i = 0; i < n; ++i) captions.push_back({1, 4 + i % 3, 2});
  return captions;
}

scan::ScanOptions options() {
  scan::ScanOptions opt;
  opt.img_dim = 3;
  opt.vocab_size = 8;
  return opt;
}

}  // namespace

TEST_CASE("check_training_data accepts data that fits") {
  const FakeSource train(good_captions(10), 2, 3), dev(good_captions(5), 2, 3);
  CHECK_NOTHROW(scan::check_training_data(options(), train, dev));
}

TEST_CASE("check_split: caption rules") {
  const scan::ScanOptions opt = options();
  std::vector<std::vector<int64_t>> captions = good_captions(5);
  SUBCASE("no <start>") {
    captions[2] = {4, 5, 2};
    CHECK_THROWS_WITH_AS(scan::check_split(opt, FakeSource(captions, 2, 3), "train"),
                         "scan train: the train split: caption 2 is not <start> words... <end> (3 ids); expected every "
                         "caption to begin with id 1 and end with id 2",
                         fw::Error);
  }
  SUBCASE("too short") {
    captions[4] = {1};
    CHECK_THROWS_WITH_AS(scan::check_split(opt, FakeSource(captions, 2, 3), "dev"),
                         doctest::Contains("the dev split: caption 4 is not <start> words... <end> (1 ids)"), fw::Error);
  }
  SUBCASE("a word id outside the vocabulary") {
    captions[1] = {1, 8, 2};
    CHECK_THROWS_WITH_AS(scan::check_split(opt, FakeSource(captions, 2, 3), "train"),
                         "scan train: the train split: caption 1 holds word id 8, outside the vocabulary of 8 words",
                         fw::Error);
  }
  SUBCASE("no captions") {
    CHECK_THROWS_WITH_AS(scan::check_split(opt, FakeSource({}, 2, 3), "train"),
                         "scan train: the train split has no captions", fw::Error);
  }
}

TEST_CASE("check_split: features must be finite and of --img_dim values") {
  const scan::ScanOptions opt = options();
  FakeSource source(good_captions(400), 2, 3);  // 80 image rows: more than one block of the scan
  CHECK_NOTHROW(scan::check_split(opt, source, "train"));
  source.poison(70, -std::numeric_limits<float>::infinity());
  CHECK_THROWS_WITH_AS(scan::check_split(opt, source, "train"),
                       "scan train: the train split: image row 70 holds a NaN or an infinity (expected finite region "
                       "features)",
                       fw::Error);
  source.poison(2, std::nanf(""));  // the first bad row is reported
  CHECK_THROWS_WITH_AS(scan::check_split(opt, source, "train"), doctest::Contains("image row 2 holds"), fw::Error);

  scan::ScanOptions wide = opt;
  wide.img_dim = 4;
  CHECK_THROWS_WITH_AS(scan::check_split(wide, FakeSource(good_captions(5), 2, 3), "dev"),
                       "scan train: the dev split has 3-dimensional region features but --img_dim is 4 (pass --img_dim 3 "
                       "to train on this data)",
                       fw::Error);
}

TEST_CASE("check_training_data: dev must pair 5 captions with each image and match train's regions") {
  const FakeSource train(good_captions(10), 2, 3);
  CHECK_THROWS_WITH_AS(scan::check_training_data(options(), train, FakeSource(good_captions(7), 2, 3)),
                       "scan train: the dev split has 7 captions; validation expects 5 captions per image (a multiple "
                       "of 5)",
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::check_training_data(options(), train, FakeSource(good_captions(5), 3, 3)),
                       "scan train: the dev split has 3 regions per image but the train split has 2", fw::Error);
}
