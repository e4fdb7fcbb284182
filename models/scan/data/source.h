#pragma once
// What training and evaluation read: a list of items, each a caption paired with one image row.
// Both the on-disk PrecompDataset (dataset.h) and the built-in synthetic dataset
// (models/scan/synthetic/synthetic_data.h) implement it, so the Batcher, the trainer and the
// evaluator work on either.
//   item i      caption(i) = <start> ids... <end>, paired with image row image_row(i)
//   image rows  0..num_images()-1, each num_regions() x img_dim() float32 region features
// With 5 captions per image (the usual layout) items 5k..5k+4 use image row k.
#include <cstdint>
#include <span>
#include <vector>

namespace scan {

class CaptionImageSource {
 public:
  virtual ~CaptionImageSource() = default;
  virtual int64_t size() const = 0;                                  // number of captions (items)
  virtual int64_t num_images() const = 0;                            // distinct image rows used
  virtual int64_t image_row(int64_t item) const = 0;
  virtual std::span<const int64_t> caption(int64_t item) const = 0;  // <start> ids... <end>
  virtual int64_t num_regions() const = 0;
  virtual int64_t img_dim() const = 0;
  // Copies the given image rows, in order, to `out`: rows.size() x num_regions() x img_dim() floats.
  virtual void copy_image_rows(const std::vector<int64_t>& rows, float* out) const = 0;
};

}  // namespace scan
