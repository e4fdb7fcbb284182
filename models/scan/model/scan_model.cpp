#include "models/scan/model/scan_model.h"

#include "framework/core/error.h"
#include "models/scan/model/contrastive_loss.h"
#include "framework/ops/cross_attention.h"

namespace scan {

namespace {

const ScanOptions& validated(const ScanOptions& opt) {
  opt.validate();
  fw::check(opt.vocab_size > 0, "ScanModel", "vocab_size must be set to the vocabulary's size, got ", opt.vocab_size);
  return opt;
}

}  // namespace

ScanModel::ScanModel(const ScanOptions& opt, fw::Generator& gen, fw::DType dtype)
    : opt_(validated(opt)),
      dtype_(dtype),
      img_enc_(register_module("img_enc", std::make_shared<ImageEncoder>(opt_, gen, dtype))),
      txt_enc_(register_module("txt_enc", std::make_shared<TextEncoder>(opt_, gen, dtype))) {}

fw::Tensor ScanModel::encode_images(const fw::Tensor& images) const {
  fw::check(images.dim() == 3 && images.size(2) == opt_.img_dim && images.dtype() == dtype_, "ScanModel::encode_images",
            "expected images [B, R, ", opt_.img_dim, "] ", fw::dtype_name(dtype_), ", got ",
            fw::shape_str(images.shape()), " ", fw::dtype_name(images.dtype()));
  return img_enc_->forward(images);
}

fw::Tensor ScanModel::encode_captions(const fw::Tensor& ids, const std::vector<int64_t>& lengths) const {
  return txt_enc_->forward(ids, lengths);
}

fw::Tensor ScanModel::scores(const fw::Tensor& img_emb, const fw::Tensor& cap_emb,
                             const std::vector<int64_t>& lengths) const {
  return fw::cross_attention_scores(img_emb, cap_emb, lengths, opt_.cross_attention());
}

fw::Tensor ScanModel::loss(const fw::Tensor& scores) const {
  return contrastive_loss(scores, {opt_.margin, opt_.max_violation});
}

}  // namespace scan
