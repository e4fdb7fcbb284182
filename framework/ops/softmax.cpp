#include "framework/autograd/node.h"
#include "framework/cpu/softmax_kernel.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

Tensor softmax(const Tensor& x, int64_t dim) {
  const cpu::ReductionPlan plan = cpu::plan_reduction(x, {dim}, "softmax");
  Tensor out = dispatch_floating(x.dtype(), "softmax", [&]<typename T>() { return cpu::softmax_along<T>(x, plan); });
  // The Jacobian is diag(y) − y yᵀ along the dim, so the vector-Jacobian product is
  // y ⊙ (g − Σ_dim g ⊙ y).
  return record1("softmax", out, {x}, [d = plan.dims[0], y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{y * (g - sum(g * y, d, /*keepdim=*/true))};
  });
}

}  // namespace fw
