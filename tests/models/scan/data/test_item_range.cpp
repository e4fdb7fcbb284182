// ItemRange: a window of another source's items, with their captions and image rows unchanged.
#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/data/batch.h"
#include "models/scan/data/item_range.h"
#include "models/scan/data/source.h"

using Ids = std::vector<int64_t>;

namespace {

// Item i: caption <start> 4 x (i % 3 + 1) <end> and image row i / 5, whose one region of 2 values is {row, -row}.
class Numbered : public scan::CaptionImageSource {
 public:
  explicit Numbered(int64_t items) {
    for (int64_t i = 0; i < items; ++i) {
      captions_.push_back({1});
      captions_.back().insert(captions_.back().end(), static_cast<std::size_t>(i % 3 + 1), 4);
      captions_.back().push_back(2);
    }
  }
  int64_t size() const override { return static_cast<int64_t>(captions_.size()); }
  int64_t num_images() const override { return (size() + 4) / 5; }
  int64_t image_row(int64_t item) const override { return item / 5; }
  std::span<const int64_t> caption(int64_t item) const override { return captions_.at(item); }
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

Ids ids_of(std::span<const int64_t> caption) { return Ids(caption.begin(), caption.end()); }

}  // namespace

TEST_CASE("ItemRange: item i is item begin + i of the source, image rows numbered as in the source") {
  const Numbered source(30);
  const scan::ItemRange range(source, 10, 10);
  CHECK(range.size() == 10);
  CHECK(range.begin() == 10);
  CHECK(range.num_images() == source.num_images());
  CHECK(range.num_regions() == 1);
  CHECK(range.img_dim() == 2);
  for (int64_t i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(range.image_row(i) == source.image_row(10 + i));
    CHECK(ids_of(range.caption(i)) == ids_of(source.caption(10 + i)));
  }
  CHECK(range.image_row(0) == 2);
  std::vector<float> rows(4);
  range.copy_image_rows({3, 2}, rows.data());
  CHECK(rows == std::vector<float>{3, -3, 2, -2});
  // Collated through the range, a batch names the range's items.
  const scan::Batch batch = scan::collate(range, {0, 1, 2});
  CHECK(batch.items == Ids{1, 0, 2});  // items 11, 10, 12 of the source: 3, 2, 1 words
  CHECK(batch.images.to_vector<float>() == std::vector<float>{2, -2, 2, -2, 2, -2});
}

TEST_CASE("ItemRange: a range outside the source, or an item outside the range, is an error") {
  const Numbered source(30);
  CHECK_THROWS_WITH_AS(scan::ItemRange(source, 25, 10),
                       "ItemRange: items [25, 35) are not a non-empty range of the source's 30 items", fw::Error);
  CHECK_THROWS_AS(scan::ItemRange(source, -1, 5), fw::Error);
  CHECK_THROWS_AS(scan::ItemRange(source, 0, 0), fw::Error);
  CHECK_NOTHROW(scan::ItemRange(source, 0, 30));
  const scan::ItemRange range(source, 5, 5);
  CHECK_THROWS_WITH_AS(range.caption(5), "ItemRange: item 5 is outside 0..4", fw::Error);
  CHECK_THROWS_WITH_AS(range.image_row(-1), "ItemRange: item -1 is outside 0..4", fw::Error);
}
