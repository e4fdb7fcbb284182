#pragma once
// The SCAN model (Lee et al., ECCV 2018): an image encoder over region features, a text
// encoder over words, the stacked cross attention score of every (image, caption) pair and the
// hinge-based triplet ranking loss (the original model.py).
//
// Submodules "img_enc" then "txt_enc", so the parameter names are those of the original's
// state dicts: img_enc.fc.weight, img_enc.fc.bias (basic) or img_enc.fc.bias,
// img_enc.fc.weight_g, img_enc.fc.weight_v (weight_norm); txt_enc.embed.weight,
// txt_enc.rnn.weight_ih_l0, txt_enc.rnn.weight_hh_l0, txt_enc.rnn.bias_ih_l0,
// txt_enc.rnn.bias_hh_l0 (+ _reverse with bi_gru, + _l1... with more layers).
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/core/random.h"
#include "framework/nn/module.h"
#include "models/scan/model/image_encoder.h"
#include "models/scan/model/text_encoder.h"
#include "models/scan/options.h"

namespace scan {

class ScanModel : public fw::nn::Module {
 public:
  // Validates `opt` (which must have vocab_size set) and draws the parameters from `gen`:
  // image FC first, then the embedding, then the GRU. float64 is for gradient checks.
  ScanModel(const ScanOptions& opt, fw::Generator& gen, fw::DType dtype = fw::DType::Float32);

  // images [B, R, img_dim] of the model's dtype -> [B, R, embed_size]
  fw::Tensor encode_images(const fw::Tensor& images) const;
  // ids [B, L] int64, lengths B values in 1..L -> [B, L, embed_size] (zero past each length)
  fw::Tensor encode_captions(const fw::Tensor& ids, const std::vector<int64_t>& lengths) const;
  // S [n_img, n_cap] = fw::cross_attention_scores with options().cross_attention()
  fw::Tensor scores(const fw::Tensor& img_emb, const fw::Tensor& cap_emb, const std::vector<int64_t>& lengths) const;
  // The contrastive loss of a square score matrix (positives on the diagonal) with opt.margin
  // and opt.max_violation: a sum over the batch.
  fw::Tensor loss(const fw::Tensor& scores) const;

  const ScanOptions& options() const { return opt_; }
  fw::DType dtype() const { return dtype_; }
  const ImageEncoder& image_encoder() const { return *img_enc_; }
  const TextEncoder& text_encoder() const { return *txt_enc_; }

 private:
  ScanOptions opt_;
  fw::DType dtype_;
  std::shared_ptr<ImageEncoder> img_enc_;
  std::shared_ptr<TextEncoder> txt_enc_;
};

}  // namespace scan
