// The fused cross attention op: argument checks and the autograd record; the computation is the
// device backend's (the CPU one: cpu/cross_attention_backend.cpp).
#include "framework/ops/cross_attention.h"

#include <cmath>
#include <memory>

#include "framework/autograd/grad_mode.h"
#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"

namespace fw {

namespace {

void validate(const char* op, const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                  const CrossAttentionOptions& options) {
  check(images.defined() && captions.defined(), op, "images and captions must be defined tensors");
  check(images.dim() == 3, op, "expected images [n_img, R, d], got shape ", shape_str(images.shape()));
  check(captions.dim() == 3, op, "expected captions [n_cap, L, d], got shape ", shape_str(captions.shape()));
  check_same_dtype(op, images, captions);
  check(is_floating(images.dtype()), op, "expected float32 or float64 tensors, got ", dtype_name(images.dtype()));
  struct {
    int64_t n_img, R, n_cap, L, d;
  } g{images.size(0), images.size(1), captions.size(0), captions.size(1), images.size(2)};
  check(g.n_img > 0 && g.R > 0 && g.d > 0 && g.n_cap > 0 && g.L > 0, op,
        "expected non-empty images [n_img, R, d] and captions [n_cap, L, d], got images ", shape_str(images.shape()),
        " and captions ", shape_str(captions.shape()));
  check(captions.size(2) == g.d, op, "feature sizes differ: images ", shape_str(images.shape()), " vs captions ",
        shape_str(captions.shape()), " (", g.d, " vs ", captions.size(2), ")");
  check(static_cast<int64_t>(cap_lens.size()) == g.n_cap, op, "expected ", g.n_cap,
        " caption lengths (one per caption of captions ", shape_str(captions.shape()), "), got ", cap_lens.size());
  for (int64_t c = 0; c < g.n_cap; ++c)
    check(cap_lens[c] >= 1 && cap_lens[c] <= g.L, op, "caption ", c, " has length ", cap_lens[c], ", expected 1..", g.L,
          " (captions ", shape_str(captions.shape()), ")");
  check(std::isfinite(options.lambda_softmax), op, "lambda_softmax must be finite, got ", options.lambda_softmax);
  check(options.agg != Aggregation::LogSumExp || (options.lambda_lse > 0 && std::isfinite(options.lambda_lse)), op,
        "LogSumExp needs a finite lambda_lse > 0, got ", options.lambda_lse);
}


}  // namespace

Tensor cross_attention_scores(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                              const CrossAttentionOptions& options) {
  validate("cross_attention_scores", images, captions, cap_lens, options);
  Backend& device = backend(images.device());
  std::shared_ptr<CrossAttentionSaved> saved;
  const bool for_backward = grad_enabled() && any_requires_grad({images, captions});
  Tensor scores = device.cross_attention_forward(images, captions, cap_lens, options, for_backward, saved);
  // The backward keeps what the backend saved (on the CPU: the raw scores, the Grams, the
  // detached inputs and, when recorded, every pair's attention and cosines).
  return record1("cross_attention", scores, {images, captions}, [saved](const Tensor& grad) {
    auto [d_images, d_captions] = backend(grad.device()).cross_attention_backward(*saved, grad);
    return std::vector<Tensor>{d_images, d_captions};
  }, {images, captions});
}

Tensor cross_attention_weights(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                               const CrossAttentionOptions& options) {
  validate("cross_attention_weights", images, captions, cap_lens, options);
  return backend(images.device()).cross_attention_weights(images, captions, cap_lens, options);
}

}  // namespace fw
