#pragma once
// SCAN's image encoder for precomputed region features (the original model.py):
//   basic       (EncoderImagePrecomp)           FC = Linear(img_dim → embed_size), Xavier init
//               (weight ~ U(±√6/√(in+out)), bias 0)
//   weight_norm (EncoderImageWeightNormPrecomp) FC = weight_norm(Linear(img_dim → embed_size), dim=None),
//               PyTorch's default Linear init
// applied to every region independently, then l2norm over the features of each region
// (x / (‖x‖ + 1e-8)) unless no_imgnorm. The FC is registered as "fc", so the parameters are
// fc.weight, fc.bias (basic) or fc.bias, fc.weight_g, fc.weight_v (weight_norm).
#include <memory>

#include "framework/core/random.h"
#include "framework/nn/linear.h"
#include "framework/nn/module.h"
#include "models/scan/model/weight_norm_linear.h"
#include "models/scan/options.h"

namespace scan {

class ImageEncoder : public fw::nn::Module {
 public:
  // Uses img_dim, embed_size, precomp_enc_type and no_imgnorm.
  ImageEncoder(const ScanOptions& opt, fw::Generator& gen, fw::DType dtype = fw::DType::Float32);
  // images [..., img_dim] -> [..., embed_size]
  fw::Tensor forward(const fw::Tensor& images) const;

 private:
  std::shared_ptr<fw::nn::Linear> basic_fc_;          // set for precomp_enc_type "basic"
  std::shared_ptr<WeightNormLinear> weight_norm_fc_;  // set for "weight_norm"
  bool normalize_;
};

}  // namespace scan
