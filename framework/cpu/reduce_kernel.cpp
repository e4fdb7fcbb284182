#include "framework/cpu/reduce_kernel.h"

namespace fw::cpu {

Tensor reduction_input(const Tensor& x, const ReductionPlan& plan) {
  const Tensor arranged = x.detach().permute(plan.perm).contiguous();
  return arranged;
}

}  // namespace fw::cpu
