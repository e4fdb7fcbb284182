#pragma once
// Ensemble of several SCAN models (the paper's t-i + i-t ensemble): the element-wise mean of their
// score matrices, sims_ens = (sims_A + sims_B + ...) / n, then the usual protocols. No
// normalisation before averaging (the scores share the cosine scale). For COCO 1K the mean of
// the full matrices gives the same folds as averaging fold by fold.
#include <vector>

#include "framework/core/tensor.h"

namespace scan {

// All inputs must be CPU float matrices of one shape (at least two). The result is float64 if
// any input is float64, else float32; sums are accumulated in float64 in input order.
fw::Tensor ensemble_sims(const std::vector<fw::Tensor>& sims);

}  // namespace scan
