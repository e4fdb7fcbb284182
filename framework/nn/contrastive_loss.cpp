#include "framework/nn/contrastive_loss.h"

#include "framework/ops/elementwise.h"
#include "framework/ops/indexing.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

namespace fw::nn {

Tensor contrastive_loss(const Tensor& scores, const ContrastiveLossOptions& options) {
  check(scores.dim() == 2 && scores.size(0) == scores.size(1), "contrastive_loss",
        "expected a square score matrix [B, B], got ", shape_str(scores.shape()));
  const int64_t n = scores.size(0);
  Tensor eye = Tensor::zeros({n, n}, DType::Int64);
  for (int64_t i = 0; i < n; ++i) eye.data<int64_t>()[i * n + i] = 1;

  const Tensor positives = sum(scores * eye.to(scores.dtype()), 1);  // S[i, i]
  Tensor cost_captions = masked_fill(clamp_min(scores - positives.unsqueeze(1) + options.margin, 0.0), eye, 0.0);
  Tensor cost_images = masked_fill(clamp_min(scores - positives.unsqueeze(0) + options.margin, 0.0), eye, 0.0);
  if (options.max_violation) {
    cost_captions = max(cost_captions, 1);  // hardest negative caption per image (row)
    cost_images = max(cost_images, 0);      // hardest negative image per caption (column)
  }
  return sum(cost_captions) + sum(cost_images);
}

}  // namespace fw::nn
