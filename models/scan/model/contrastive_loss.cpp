#include "models/scan/model/contrastive_loss.h"

#include <vector>

#include "framework/ops/elementwise.h"
#include "framework/ops/indexing.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

namespace scan {

using fw::DType;
using fw::Tensor;

Tensor contrastive_loss(const Tensor& scores, const ContrastiveLossOptions& options) {
  fw::check(scores.dim() == 2 && scores.size(0) == scores.size(1), "contrastive_loss",
            "expected a square score matrix [B, B], got ", fw::shape_str(scores.shape()));
  const int64_t n = scores.size(0);
  std::vector<int64_t> identity(n * n, 0);
  for (int64_t i = 0; i < n; ++i) identity[i * n + i] = 1;
  const Tensor eye = Tensor::from_vector(identity, {n, n}).to(scores.device());

  const Tensor positives = fw::sum(scores * eye.to(scores.dtype()), 1);  // S[i, i]
  Tensor cost_captions =
      fw::masked_fill(fw::clamp_min(scores - positives.unsqueeze(1) + options.margin, 0.0), eye, 0.0);
  Tensor cost_images = fw::masked_fill(fw::clamp_min(scores - positives.unsqueeze(0) + options.margin, 0.0), eye, 0.0);
  if (options.max_violation) {
    cost_captions = fw::max(cost_captions, 1);  // hardest negative caption per image (row)
    cost_images = fw::max(cost_images, 0);      // hardest negative image per caption (column)
  }
  return fw::sum(cost_captions) + fw::sum(cost_images);
}

}  // namespace scan
