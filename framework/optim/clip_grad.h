#pragma once
// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_:
//   total = sqrt(sum over parameters of ||grad||^2)
//   coef  = max_norm / (total + 1e-6);  if coef < 1, every gradient is scaled by coef.
#include <vector>

#include "framework/core/tensor.h"

namespace fw::optim {

// Clips in place and returns the total norm before clipping. Parameters without a gradient are
// skipped. The sum of squares is accumulated in double in a fixed order, so the result does not
// depend on the thread count.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace fw::optim
