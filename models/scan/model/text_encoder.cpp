#include "models/scan/model/text_encoder.h"

#include "framework/core/error.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/normalization.h"

namespace scan {

namespace {

int64_t checked_vocab_size(const ScanOptions& opt) {
  fw::check(opt.vocab_size > 0, "TextEncoder", "vocab_size must be set to the vocabulary's size, got ", opt.vocab_size);
  return opt.vocab_size;
}

}  // namespace

TextEncoder::TextEncoder(const ScanOptions& opt, fw::Generator& gen, fw::DType dtype)
    : embed_(register_module(
          "embed", std::make_shared<fw::nn::Embedding>(checked_vocab_size(opt), opt.word_dim, gen, -0.1, 0.1, dtype))),
      rnn_(register_module(
          "rnn", std::make_shared<fw::nn::GRU>(opt.word_dim, opt.embed_size, opt.num_layers, opt.bi_gru, gen, dtype))),
      normalize_(!opt.no_txtnorm) {}

fw::Tensor TextEncoder::forward(const fw::Tensor& ids, const std::vector<int64_t>& lengths) const {
  fw::check(ids.dim() == 2 && ids.dtype() == fw::DType::Int64, "TextEncoder", "expected ids [B, L] int64, got ",
            fw::shape_str(ids.shape()), " ", fw::dtype_name(ids.dtype()));
  fw::check(static_cast<int64_t>(lengths.size()) == ids.size(0), "TextEncoder", "expected ", ids.size(0),
            " lengths for ids ", fw::shape_str(ids.shape()), ", got ", lengths.size());
  fw::Tensor out = rnn_->forward(embed_->forward(ids), lengths).output;
  if (rnn_->bidirectional) {
    // The first H features are the forward direction, the last H the reverse one.
    const int64_t H = rnn_->hidden_size;
    out = (out.narrow(2, 0, H) + out.narrow(2, H, H)) * 0.5;
  }
  return normalize_ ? fw::l2norm(out, -1) : out;
}

}  // namespace scan
