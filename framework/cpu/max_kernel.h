#pragma once
// Maximum along one dim with the index where it is first reached, on the [outer, R, inner]
// layout of a ReductionPlan, and the one-hot mask that routes max's gradient to that index.
#include <cmath>
#include <utility>

#include "framework/cpu/reduce_kernel.h"

namespace fw::cpu {

// values[o, i] = max_r x[o, r, i] and indices[o, i] = the smallest r reaching it (int64), both
// shaped keep_shape. A NaN counts as larger than any number (the first NaN wins), so NaNs
// propagate as in PyTorch. Needs R >= 1.
template <typename T>
std::pair<Tensor, Tensor> max_with_index(const Tensor& x, const ReductionPlan& plan) {
  const Tensor block = reduction_input(x, plan);
  const T* in = block.data<T>();
  Tensor values = Tensor::empty(plan.keep_shape, x.dtype());
  Tensor indices = Tensor::empty(plan.keep_shape, DType::Int64);
  T* value_out = values.data<T>();
  int64_t* index_out = indices.data<int64_t>();
  const int64_t R = plan.reduced, inner = plan.inner;
  parallel_over_outputs(plan, [&](int64_t o, int64_t i0, int64_t i1) {
    const T* row = in + o * R * inner;
    for (int64_t i = i0; i < i1; ++i) {
      T best = row[i];
      int64_t best_r = 0;
      for (int64_t r = 1; r < R && !std::isnan(best); ++r) {
        const T v = row[r * inner + i];
        if (v > best || std::isnan(v)) best = v, best_r = r;  // strict: ties keep the first
      }
      value_out[o * inner + i] = best;
      index_out[o * inner + i] = best_r;
    }
  });
  return {values, indices};
}

// A tensor of `shape` (the planned input's shape, one reduced dim) and `dtype` holding 1 at
// [o, indices[o, i], i] and 0 elsewhere.
Tensor one_hot_along(const Tensor& indices, const ReductionPlan& plan, const Shape& shape, DType dtype);

}  // namespace fw::cpu
