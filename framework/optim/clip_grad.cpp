#include "framework/optim/clip_grad.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/parallel.h"
#include "framework/ops/elementwise.h"

namespace fw::optim {

namespace {

// Sum of squares of a dense array: fixed-size blocks summed in parallel, then the block sums
// added in block order (the same order whatever the thread count).
template <typename T>
double sum_of_squares(const T* x, int64_t n) {
  constexpr int64_t kBlock = 16384;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(blocks, 0.0);
  parallel_for(blocks, 4, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      double s = 0.0;
      for (int64_t i = b * kBlock, stop = std::min(n, i + kBlock); i < stop; ++i) s += double(x[i]) * double(x[i]);
      partial[b] = s;
    }
  });
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

}  // namespace

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  check(max_norm >= 0, "clip_grad_norm", "max_norm must be non-negative, got ", max_norm);
  std::vector<Tensor> grads;
  for (const Tensor& p : params)
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  double squares = 0.0;
  for (const Tensor& g : grads) {
    const Tensor dense = g.contiguous();
    squares += dispatch_floating(g.dtype(), "clip_grad_norm",
                                 [&]<typename T>() { return sum_of_squares(dense.data<T>(), dense.numel()); });
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
