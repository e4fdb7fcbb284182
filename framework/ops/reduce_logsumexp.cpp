#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

namespace fw {

Tensor logsumexp(const Tensor& x, int64_t dim, bool keepdim) {
  const ReductionPlan plan = plan_reduction(x, {dim}, "logsumexp");
  check_floating("logsumexp", x);
  Tensor out = backend(x.device()).logsumexp(x, plan);
  // d/dx_r log Σ exp(x) = exp(x_r) / Σ exp(x) = exp(x_r − logsumexp(x)) = softmax(x)_r.
  return record1("logsumexp", plan.shape_out(out, keepdim), {x},
                 [plan, keepdim, x = x.detach(), lse = out.detach()](const Tensor& g) {
                   return std::vector<Tensor>{plan.keepdim_view(g, keepdim) * exp(x - lse)};
                 }, {x, out});
}

}  // namespace fw
