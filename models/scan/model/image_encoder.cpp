#include "models/scan/model/image_encoder.h"

#include "framework/core/error.h"
#include "framework/ops/normalization.h"

namespace scan {

ImageEncoder::ImageEncoder(const ScanOptions& opt, fw::Generator& gen, fw::DType dtype) : normalize_(!opt.no_imgnorm) {
  if (opt.precomp_enc_type == "basic") {
    basic_fc_ = register_module(
        "fc", std::make_shared<fw::nn::Linear>(opt.img_dim, opt.embed_size, gen, fw::nn::LinearInit::Xavier, dtype));
  } else if (opt.precomp_enc_type == "weight_norm") {
    weight_norm_fc_ =
        register_module("fc", std::make_shared<WeightNormLinear>(opt.img_dim, opt.embed_size, gen, dtype));
  } else {
    throw fw::Error("ImageEncoder: unknown --precomp_enc_type '" + opt.precomp_enc_type +
                    "' (accepted: basic, weight_norm)");
  }
}

fw::Tensor ImageEncoder::forward(const fw::Tensor& images) const {
  const fw::Tensor features = basic_fc_ ? basic_fc_->forward(images) : weight_norm_fc_->forward(images);
  return normalize_ ? fw::l2norm(features, -1) : features;
}

}  // namespace scan
