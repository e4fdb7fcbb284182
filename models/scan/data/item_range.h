#pragma once
// A contiguous range of another source's items, seen as a source of its own: item i of the range
// is item begin + i of the underlying source, with the same caption and image row. Nothing is
// copied; the underlying source must outlive the range. Used to score COCO 1K's folds one by one
// (fold f = items [5000f, 5000f + 5000)) without encoding the whole split:
//   ItemRange fold(test, 5000 * f, 5000);
//   fw::Tensor block = score_split(model, fold, 128);  // [1000, 5000], the fold's diagonal block
// (up to rounding: the fold's captions are encoded in batches starting at 5000f, not at the
// split's own batch boundaries unless 5000f is a multiple of the batch size)
// Image rows keep the underlying numbering (image_row(i) = source.image_row(begin + i)), so
// num_images() is the underlying source's row count, not the number of rows the range uses.
#include <cstdint>
#include <span>
#include <vector>

#include "models/scan/data/source.h"

namespace scan {

class ItemRange : public CaptionImageSource {
 public:
  // fw::Error unless 0 <= begin and 0 < count and begin + count <= source.size().
  ItemRange(const CaptionImageSource& source, int64_t begin, int64_t count);

  int64_t size() const override { return count_; }
  int64_t num_images() const override { return source_.num_images(); }
  int64_t image_row(int64_t item) const override { return source_.image_row(underlying(item)); }
  std::span<const int64_t> caption(int64_t item) const override { return source_.caption(underlying(item)); }
  int64_t num_regions() const override { return source_.num_regions(); }
  int64_t img_dim() const override { return source_.img_dim(); }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override {
    source_.copy_image_rows(rows, out);
  }

  int64_t begin() const { return begin_; }

 private:
  int64_t underlying(int64_t item) const;  // begin + item; fw::Error outside 0..size()-1

  const CaptionImageSource& source_;
  int64_t begin_, count_;
};

}  // namespace scan
