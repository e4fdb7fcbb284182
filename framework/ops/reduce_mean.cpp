#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const ReductionPlan plan = plan_reduction(x, dims, "mean");
  check_floating("mean", x);
  // Sum in double, then divide by the count R (0/0 = nan for an empty reduction, as in IEEE).
  Tensor out = backend(x.device()).reduce(ReduceOp::Mean, x, plan);
  // d mean / d x_i = 1/R for every reduced position.
  return record1("mean", plan.shape_out(out, keepdim), {x},
                 [plan, keepdim, in = x.shape()](const Tensor& g) {
                   const Tensor scaled = plan.keepdim_view(g, keepdim) * (1.0 / static_cast<double>(plan.reduced));
                   return std::vector<Tensor>{scaled.expand(in).contiguous()};
                 });
}

Tensor mean(const Tensor& x, int64_t dim, bool keepdim) { return mean(x, std::vector<int64_t>{dim}, keepdim); }

Tensor mean(const Tensor& x) {
  std::vector<int64_t> all(x.dim());
  for (int64_t d = 0; d < x.dim(); ++d) all[d] = d;
  return mean(x, all, false);
}

}  // namespace fw
