#pragma once
// One split of a precomputed-feature dataset, as the original `data.PrecompDataset`:
//   <data_path>/<data_name>/<split>_ims.npy   [rows, regions, img_dim] float32 region features
//   <data_path>/<data_name>/<split>_caps.txt  one caption per line
// An item is a caption: item i pairs caption i with image row i / im_div, where im_div = 1 when
// the file has as many captions as image rows (e.g. Flickr30K dev, stored with each image repeated
// 5 times) and 5 when it has 5 captions per row. The dev split is cut to its first 5,000 captions
// (1,000 images), as the original validates on.
// num_images() is the number of image rows the items use: ceil(size() / im_div), so with im_div 5
// one row per image, and with im_div 1 one row per caption (F30K dev stores each image 5 times).
// Everything that can be checked cheaply is checked when the dataset is opened, with errors naming
// the file, what was expected and what was found; check_features_finite() reads every feature.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/scan/data/npy.h"
#include "models/scan/data/source.h"
#include "models/scan/data/vocab.h"

namespace scan {

class PrecompDataset : public CaptionImageSource {
 public:
  static constexpr int64_t kDevCaptions = 5000;
  // The longest caption accepted, in tokens with <start> and <end>. The longest of the real
  // Flickr30K and COCO captions has 77; a batch pads every caption to its longest, so one
  // runaway line (a file that is not captions) would otherwise take gigabytes.
  static constexpr int64_t kMaxCaptionTokens = 1000;

  // `expected_img_dim` > 0 is checked against the feature size of the .npy (--img_dim).
  PrecompDataset(const std::string& data_path, const std::string& data_name, const std::string& split,
                 const Vocabulary& vocab, int64_t expected_img_dim = 0);

  int64_t size() const override { return static_cast<int64_t>(offsets_.size()) - 1; }  // items
  int64_t num_images() const override { return (size() + im_div_ - 1) / im_div_; }
  int64_t im_div() const { return im_div_; }
  int64_t image_row(int64_t item) const override;                 // item / im_div
  std::span<const int64_t> caption(int64_t item) const override;  // <start> ids... <end>
  int64_t caption_length(int64_t item) const { return static_cast<int64_t>(caption(item).size()); }

  const NpyArray& images() const { return images_; }
  int64_t num_regions() const override { return images_.shape()[1]; }
  int64_t img_dim() const override { return images_.shape()[2]; }
  // Rows outside 0..num_images()-1 are an error; the copies run in parallel.
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override;
  int64_t num_captions_in_file() const { return captions_in_file_; }
  const std::string& captions_path() const { return captions_path_; }

  // Throws naming the .npy file and the first row that holds a NaN or an infinity.
  void check_features_finite() const;

 private:
  NpyArray images_;
  std::string captions_path_;
  int64_t captions_in_file_ = 0;
  int64_t im_div_ = 1;
  std::vector<int64_t> ids_;      // all captions' ids, concatenated
  std::vector<int64_t> offsets_;  // caption i is ids_[offsets_[i], offsets_[i + 1])
};

}  // namespace scan
