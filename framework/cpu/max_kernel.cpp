#include "framework/cpu/max_kernel.h"

namespace fw::cpu {

Tensor one_hot_along(const Tensor& indices, const ReductionPlan& plan, const Shape& shape, DType dtype) {
  check(plan.perm.size() == shape.size() && numel(shape) == plan.outer * plan.reduced * plan.inner, "one_hot_along",
        "the plan does not describe a tensor of shape ", shape_str(shape));
  const Tensor dense = indices.contiguous();
  const int64_t* index = dense.data<int64_t>();
  Tensor out = Tensor::zeros(shape, dtype);
  const int64_t R = plan.reduced, inner = plan.inner;
  dispatch_floating(dtype, "one_hot_along", [&]<typename T>() {
    T* mask = out.data<T>();
    parallel_over_outputs(plan, [&](int64_t o, int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) mask[(o * R + index[o * inner + i]) * inner + i] = T(1);
    });
  });
  return out;
}

}  // namespace fw::cpu
