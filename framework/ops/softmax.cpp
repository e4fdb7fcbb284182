#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

Tensor softmax(const Tensor& x, int64_t dim) {
  const ReductionPlan plan = plan_reduction(x, {dim}, "softmax");
  check_floating("softmax", x);
  Tensor out = backend(x.device()).softmax(x, plan);
  // The Jacobian is diag(y) − y yᵀ along the dim, so the vector-Jacobian product is
  // y ⊙ (g − Σ_dim g ⊙ y).
  return record1("softmax", out, {x}, [d = plan.dims[0], y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{y * (g - sum(g * y, d, /*keepdim=*/true))};
  }, {out});
}

}  // namespace fw
