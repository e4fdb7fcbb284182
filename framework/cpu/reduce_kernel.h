#pragma once
// The CPU reduction kernel shared by sum, mean, max and logsumexp. A reduction over a set of
// dims is laid out as [outer, R, inner]: the kept dims before the reduced block (outer), the
// reduced elements (R) and the kept dims after it (inner). Each output element is combined
// by one thread, in increasing r, so the result does not depend on the thread count.
#include <vector>

#include "framework/core/parallel.h"
#include "framework/core/tensor.h"

namespace fw::cpu {

struct ReductionPlan {
  std::vector<int64_t> dims;  // sorted, unique, non-negative
  Shape keep_shape;           // input shape with reduced dims set to 1
  Shape drop_shape;           // input shape without the reduced dims
  std::vector<int64_t> perm;  // identity when the reduced dims are adjacent, else kept dims then reduced dims
  int64_t outer = 1, reduced = 1, inner = 1;

  // The reduced result (laid out as keep_shape) reshaped to what the caller asked for.
  Tensor shape_out(const Tensor& keep_result, bool keepdim) const {
    return keepdim ? keep_result : keep_result.reshape(drop_shape);
  }
  // An output-shaped tensor (keepdim or not) seen with keep_shape, ready to broadcast.
  Tensor keepdim_view(const Tensor& t, bool keepdim) const { return keepdim ? t : t.reshape(keep_shape); }
};

ReductionPlan plan_reduction(const Tensor& x, const std::vector<int64_t>& dims, const char* op);

// The input arranged as a dense [outer, R, inner] block (a view when possible).
Tensor reduction_input(const Tensor& x, const ReductionPlan& plan);

// out[o, i] = finish(combine(...combine(init, x[o, 0, i])..., x[o, R-1, i]), R), shaped keep_shape.
template <typename T, typename Combine, typename Finish>
Tensor reduce(const Tensor& x, const ReductionPlan& plan, T init, Combine combine, Finish finish) {
  const Tensor block = reduction_input(x, plan);
  const T* in = block.data<T>();
  Tensor out = Tensor::empty(plan.keep_shape, x.dtype());
  T* result = out.data<T>();
  const int64_t R = plan.reduced, inner = plan.inner;
  parallel_for(plan.outer, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, R * inner)),
               [&](int64_t begin, int64_t end) {
    std::vector<T> acc(inner);
    for (int64_t o = begin; o < end; ++o) {
      std::fill(acc.begin(), acc.end(), init);
      const T* row = in + o * R * inner;
      for (int64_t r = 0; r < R; ++r)
        for (int64_t i = 0; i < inner; ++i) acc[i] = combine(acc[i], row[r * inner + i]);
      for (int64_t i = 0; i < inner; ++i) result[o * inner + i] = finish(acc[i], R);
    }
  });
  return out;
}

}  // namespace fw::cpu
