#include "framework/optim/clip_grad.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"

namespace fw::optim {

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  check(max_norm >= 0, "clip_grad_norm", "max_norm must be non-negative, got ", max_norm);
  std::vector<Tensor> grads;
  for (const Tensor& p : params)
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  double squares = 0.0;
  for (const Tensor& g : grads) {
    const Tensor dense = g.contiguous();
    check(is_floating(g.dtype()), "clip_grad_norm", "expected a float32 or float64 tensor, got ",
          dtype_name(g.dtype()));
    squares += backend(g.device()).sum_of_squares(dense);
  }
  const double total = std::sqrt(squares);
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) {
    NoGradGuard no_grad;
    for (Tensor& g : grads) mul_(g, coef);
  }
  return total;
}

}  // namespace fw::optim
