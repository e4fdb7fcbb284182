#include <algorithm>

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const ReductionPlan plan = plan_reduction(x, dims, "sum");
  check_floating("sum", x);
  // Accumulated in double, so float32 sums of many terms keep their precision.
  Tensor out = backend(x.device()).reduce(ReduceOp::Sum, x, plan);
  // The gradient of a sum is the output gradient copied to every summed position.
  return record1("sum", plan.shape_out(out, keepdim), {x}, [plan, keepdim, in = x.shape()](const Tensor& g) {
    return std::vector<Tensor>{plan.keepdim_view(g, keepdim).expand(in).contiguous()};
  });
}

Tensor sum(const Tensor& x, int64_t dim, bool keepdim) { return sum(x, std::vector<int64_t>{dim}, keepdim); }

Tensor sum(const Tensor& x) {
  std::vector<int64_t> all(x.dim());
  for (int64_t d = 0; d < x.dim(); ++d) all[d] = d;
  return sum(x, all, false);
}

}  // namespace fw
