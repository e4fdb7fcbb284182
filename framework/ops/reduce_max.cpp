#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

namespace {

// The plan for a reduction over one dim that must not be empty.
ReductionPlan plan_nonempty(const Tensor& x, int64_t dim, const char* op) {
  const ReductionPlan plan = plan_reduction(x, {dim}, op);
  check(plan.reduced > 0, op, "cannot reduce over dim ", dim, " of size 0 (shape ", shape_str(x.shape()), ")");
  check_floating(op, x);
  return plan;
}

}  // namespace

Tensor max(const Tensor& x, int64_t dim, bool keepdim) {
  const ReductionPlan plan = plan_nonempty(x, dim, "max");
  const std::pair<Tensor, Tensor> found = backend(x.device()).max_with_index(x, plan);
  // Only the first position holding the maximum receives the gradient: g ⊙ one_hot(argmax).
  return record1("max", plan.shape_out(found.first, keepdim), {x},
                 [plan, keepdim, indices = found.second, in = x.shape()](const Tensor& g) {
                   const Tensor mask = backend(g.device()).one_hot(indices, plan, in, g.dtype());
                   return std::vector<Tensor>{plan.keepdim_view(g, keepdim) * mask};
                 });
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  const ReductionPlan plan = plan_nonempty(x, dim, "argmax");
  const Tensor indices = backend(x.device()).max_with_index(x, plan).second;
  return plan.shape_out(indices, keepdim);
}

}  // namespace fw
