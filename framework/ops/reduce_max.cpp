#include "framework/autograd/node.h"
#include "framework/cpu/max_kernel.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

namespace {

// The plan for a reduction over one dim that must not be empty.
cpu::ReductionPlan plan_nonempty(const Tensor& x, int64_t dim, const char* op) {
  const cpu::ReductionPlan plan = cpu::plan_reduction(x, {dim}, op);
  check(plan.reduced > 0, op, "cannot reduce over dim ", dim, " of size 0 (shape ", shape_str(x.shape()), ")");
  return plan;
}

}  // namespace

Tensor max(const Tensor& x, int64_t dim, bool keepdim) {
  const cpu::ReductionPlan plan = plan_nonempty(x, dim, "max");
  const std::pair<Tensor, Tensor> found = dispatch_floating(
      x.dtype(), "max", [&]<typename T>() { return cpu::max_with_index<T>(x, plan); });
  // Only the first position holding the maximum receives the gradient: g ⊙ one_hot(argmax).
  return record1("max", plan.shape_out(found.first, keepdim), {x},
                 [plan, keepdim, indices = found.second, in = x.shape()](const Tensor& g) {
                   const Tensor mask = cpu::one_hot_along(indices, plan, in, g.dtype());
                   return std::vector<Tensor>{plan.keepdim_view(g, keepdim) * mask};
                 });
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  const cpu::ReductionPlan plan = plan_nonempty(x, dim, "argmax");
  const Tensor indices = dispatch_floating(
      x.dtype(), "argmax", [&]<typename T>() { return cpu::max_with_index<T>(x, plan).second; });
  return plan.shape_out(indices, keepdim);
}

}  // namespace fw
