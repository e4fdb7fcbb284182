// PrecompDataset and collate() through the CaptionImageSource interface (models/scan/data/source.h).
#include <doctest/doctest.h>

#include "framework/core/error.h"
#include "models/scan/data/batch.h"
#include "models/scan/data/dataset.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::Error;
using fw::Shape;
using fw::Tensor;
using scan_test::TempDir;
using scan_test::toy_vocab;
using Ids = std::vector<int64_t>;

namespace {

std::vector<float> rows_of(const CaptionImageSource& source, const Ids& rows) {
  std::vector<float> out(rows.size() * static_cast<std::size_t>(source.num_regions() * source.img_dim()), -1.0f);
  source.copy_image_rows(rows, out.data());
  return out;
}

// An in-memory source: item i has caption <start> 4 x (i + 1) <end> and image row i / 2, whose
// R = 1 region of 2 values is {row, -row}.
class TwoPerImage : public CaptionImageSource {
 public:
  explicit TwoPerImage(int64_t items) {
    for (int64_t i = 0; i < items; ++i) {
      captions_.push_back({Vocabulary::kStart});
      captions_.back().insert(captions_.back().end(), static_cast<std::size_t>(i + 1), 4);
      captions_.back().push_back(Vocabulary::kEnd);
    }
  }
  int64_t size() const override { return static_cast<int64_t>(captions_.size()); }
  int64_t num_images() const override { return (size() + 1) / 2; }
  int64_t image_row(int64_t item) const override { return item / 2; }
  std::span<const int64_t> caption(int64_t item) const override { return captions_[item]; }
  int64_t num_regions() const override { return 1; }
  int64_t img_dim() const override { return 2; }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out[2 * i] = static_cast<float>(rows[i]);
      out[2 * i + 1] = -static_cast<float>(rows[i]);
    }
  }

 private:
  std::vector<Ids> captions_;
};

}  // namespace

TEST_CASE("source: PrecompDataset counts the image rows its items use") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(4, 3, 2),
                         scan_test::toy_captions(20));
  const PrecompDataset five(root.str(), "toy_precomp", "train", toy_vocab());
  const CaptionImageSource& source = five;
  CHECK(source.size() == 20);
  CHECK(source.num_images() == 4);  // im_div 5: one row per image
  CHECK(source.image_row(19) == 3);
  CHECK(source.num_regions() == 3);
  CHECK(source.img_dim() == 2);

  scan_test::write_split(root.str(), "toy_precomp", "test", scan_test::numbered_features(3, 1, 1),
                         scan_test::toy_captions(3));
  CHECK(PrecompDataset(root.str(), "toy_precomp", "test", toy_vocab()).num_images() == 3);  // im_div 1: one per caption
  // The dev split is cut to 5,000 captions, so only its first 1,000 rows are used (COCO-style).
  scan_test::write_split(root.str(), "coco_like", "dev", Tensor::zeros({1100, 1, 1}), scan_test::toy_captions(5500));
  CHECK(PrecompDataset(root.str(), "coco_like", "dev", toy_vocab()).num_images() == 1000);
}

TEST_CASE("source: PrecompDataset copy_image_rows copies the rows in the order asked") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(4, 2, 2),
                         scan_test::toy_captions(20));
  const PrecompDataset data(root.str(), "toy_precomp", "train", toy_vocab());
  // Row r, region k, dim d holds r + k / 100 + d / 10000.
  const std::vector<float> values = rows_of(data, {2, 0, 2});
  const std::vector<float> expected = {2.0f, 2.0001f, 2.01f, 2.0101f, 0.0f, 0.0001f,
                                       0.01f, 0.0101f, 2.0f, 2.0001f, 2.01f, 2.0101f};
  REQUIRE(values.size() == expected.size());
  for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == doctest::Approx(expected[i]));
  CHECK(rows_of(data, {}).empty());
  CHECK_THROWS_WITH_AS(rows_of(data, {4}), "PrecompDataset: image row 4 is outside 0..3", Error);
  CHECK_THROWS_WITH_AS(rows_of(data, {0, -1}), "PrecompDataset: image row -1 is outside 0..3", Error);
}

TEST_CASE("source: collate and the Batcher work on any CaptionImageSource") {
  const TwoPerImage source(5);
  const Batch batch = collate(source, {0, 3, 4});
  CHECK(batch.items == Ids{4, 3, 0});  // longest caption first
  CHECK(batch.lengths == Ids{7, 6, 3});
  REQUIRE(batch.captions.shape() == Shape{3, 7});
  CHECK(batch.captions.to_vector<int64_t>() == Ids{1, 4, 4, 4, 4, 4, 2,  //
                                                   1, 4, 4, 4, 4, 2, 0,  //
                                                   1, 4, 2, 0, 0, 0, 0});
  REQUIRE(batch.images.shape() == Shape{3, 1, 2});
  CHECK(batch.images.to_vector<float>() == std::vector<float>{2, -2, 1, -1, 0, 0});
  Batcher batches(source, 2);
  CHECK(batches.num_batches() == 3);
  CHECK(batches.batch(2).items == Ids{4});
  CHECK(batches.batch(0).images.to_vector<float>() == std::vector<float>{0, 0, 0, 0});
}
