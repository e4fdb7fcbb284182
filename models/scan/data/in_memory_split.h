#pragma once
// A split generated in memory: region features [N, R, d] and 5 captions per image, tokenised once
// with a vocabulary. The built-in datasets (models/scan/synthetic, models/scan/pictures) derive
// from it and add what they were generated from.
//   InMemorySplit split("PictureSplit", "train", vocab, features, captions);
//   split.caption(7)       // <start> ids... <end> of caption 7, which describes image row 1
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/data/source.h"
#include "models/scan/data/vocab.h"

namespace scan {

class InMemorySplit : public CaptionImageSource {
 public:
  static constexpr int64_t kCaptionsPerImage = 5;

  // `kind` names the class in errors. fw::Error unless features are contiguous float32 [N, R, d]
  // and there are 5 captions per image.
  InMemorySplit(const char* kind, std::string name, Vocabulary vocab, fw::Tensor features,
                std::vector<std::string> captions);

  int64_t size() const override { return static_cast<int64_t>(captions_.size()); }
  int64_t num_images() const override { return features_.shape()[0]; }
  int64_t image_row(int64_t item) const override;  // item / 5
  std::span<const int64_t> caption(int64_t item) const override;
  int64_t num_regions() const override { return features_.shape()[1]; }
  int64_t img_dim() const override { return features_.shape()[2]; }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override;

  const std::string& name() const { return name_; }
  const Vocabulary& vocab() const { return vocab_; }
  const fw::Tensor& features() const { return features_; }  // [num_images, regions, img_dim] float32
  const std::vector<std::string>& caption_texts() const { return captions_; }

 protected:
  // fw::Error naming the class unless 0 <= image < num_images().
  void check_image(int64_t image) const;

 private:
  const char* kind_;
  std::string name_;
  Vocabulary vocab_;
  fw::Tensor features_;
  std::vector<std::string> captions_;
  std::vector<int64_t> ids_;      // all captions' ids, concatenated
  std::vector<int64_t> offsets_;  // caption i is ids_[offsets_[i], offsets_[i + 1])
};

}  // namespace scan
