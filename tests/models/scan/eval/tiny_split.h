#pragma once
// A tiny in-memory split and a tiny float32 ScanModel for the evaluator's tests: item i pairs a
// caption of 3..6 ids (in no sorted order) with image row i / im_div, so im_div 5 is the usual
// layout and im_div 1 stores one image row per caption (Flickr30K dev's layout).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "models/scan/data/source.h"
#include "models/scan/model/scan_model.h"

namespace scan::testing {

inline constexpr int64_t kRegions = 3, kImgDim = 6, kEmbed = 8, kVocab = 10;

// A split held in memory: item i pairs caption i with image row i / im_div.
class TinySource : public CaptionImageSource {
 public:
  TinySource(fw::Tensor features, std::vector<std::vector<int64_t>> captions, int64_t im_div)
      : features_(std::move(features)), captions_(std::move(captions)), im_div_(im_div) {}

  int64_t size() const override { return static_cast<int64_t>(captions_.size()); }
  int64_t num_images() const override { return features_.size(0); }
  int64_t image_row(int64_t item) const override { return item / im_div_; }
  std::span<const int64_t> caption(int64_t item) const override { return captions_[item]; }
  int64_t num_regions() const override { return features_.size(1); }
  int64_t img_dim() const override { return features_.size(2); }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override {
    const int64_t numel = kRegions * kImgDim;
    for (int64_t row : rows) out = std::copy_n(features_.data<float>() + row * numel, numel, out);
  }

 private:
  fw::Tensor features_;
  std::vector<std::vector<int64_t>> captions_;
  int64_t im_div_;
};

// n_cap captions of lengths 3..6 in no sorted order: <start> (1), words 4..9, <end> (2).
inline std::vector<std::vector<int64_t>> tiny_captions(int64_t n_cap) {
  std::vector<std::vector<int64_t>> captions;
  for (int64_t i = 0; i < n_cap; ++i) {
    std::vector<int64_t> ids{1};
    for (int64_t w = 0; w < 1 + (i * 7) % 4; ++w) ids.push_back(4 + (i + 3 * w) % (kVocab - 4));
    ids.push_back(2);
    captions.push_back(ids);
  }
  return captions;
}

inline TinySource tiny_source(int64_t n_cap, int64_t im_div, uint64_t seed = 3) {
  fw::Generator gen(seed);
  const int64_t rows = n_cap / im_div;
  return TinySource(fw::Tensor::uniform({rows, kRegions, kImgDim}, -1.0, 1.0, gen), tiny_captions(n_cap), im_div);
}

inline ScanModel tiny_model(const std::string& cross_attn, uint64_t seed = 5) {
  ScanOptions opt;
  opt.img_dim = kImgDim;
  opt.embed_size = kEmbed;
  opt.word_dim = 5;
  opt.vocab_size = kVocab;
  opt.bi_gru = true;
  opt.cross_attn = cross_attn;
  opt.lambda_softmax = cross_attn == "t2i" ? 9.0 : 4.0;
  fw::Generator gen(seed);
  return ScanModel(opt, gen);
}

}  // namespace scan::testing
