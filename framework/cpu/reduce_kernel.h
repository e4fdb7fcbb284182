#pragma once
// The CPU reduction kernel shared by sum, mean, max and logsumexp, on the [outer, R, inner]
// layout of a ReductionPlan (backend/reduction_plan.h). Each output element is combined by one
// thread, in increasing r, so the result does not depend on the thread count.
#include <algorithm>
#include <array>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/backend/reduction_plan.h"
#include "framework/core/tensor.h"

namespace fw::cpu {

// The input arranged as a dense [outer, R, inner] block (a view when possible). With one
// reduced dim the arrangement is the identity, so the block is x's shape made contiguous.
Tensor reduction_input(const Tensor& x, const ReductionPlan& plan);

// Inner positions handled together by one task (the accumulators of one block live on the stack).
constexpr int64_t kInnerBlock = 256;

// Calls body(o, i0, i1) once for every outer index o and every block [i0, i1) of at most
// kInnerBlock inner positions. The (o, block) tasks are split among threads; each output
// position belongs to exactly one task, so how it is computed does not depend on the thread
// count. A task reads R * (i1 - i0) inputs.
template <typename Body>
void parallel_over_outputs(const ReductionPlan& plan, Body&& body) {
  const int64_t blocks = (plan.inner + kInnerBlock - 1) / kInnerBlock;
  const int64_t work = std::max<int64_t>(1, plan.reduced * std::min(plan.inner, kInnerBlock));
  parallel_for(plan.outer * blocks, std::max<int64_t>(1, 16384 / work), [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t o = task / blocks, i0 = (task % blocks) * kInnerBlock;
      body(o, i0, std::min(plan.inner, i0 + kInnerBlock));
    }
  });
}

// out[o, i] = finish(combine(...combine(init, x[o, 0, i])..., x[o, R-1, i]), R), shaped keep_shape.
// The accumulator type Acc follows `init` (e.g. double to sum float32 data accurately);
// finish converts it back to T.
template <typename T, typename Acc = T, typename Combine, typename Finish>
Tensor reduce(const Tensor& x, const ReductionPlan& plan, Acc init, Combine combine, Finish finish) {
  const Tensor block = reduction_input(x, plan);
  const T* in = block.data<T>();
  Tensor out = Tensor::empty(plan.keep_shape, x.dtype());
  T* result = out.data<T>();
  const int64_t R = plan.reduced, inner = plan.inner;
  parallel_over_outputs(plan, [&](int64_t o, int64_t i0, int64_t i1) {
    std::array<Acc, kInnerBlock> acc;
    std::fill(acc.begin(), acc.begin() + (i1 - i0), init);
    const T* row = in + o * R * inner;
    for (int64_t r = 0; r < R; ++r)
      for (int64_t i = i0; i < i1; ++i) acc[i - i0] = combine(acc[i - i0], row[r * inner + i]);
    for (int64_t i = i0; i < i1; ++i) result[o * inner + i] = static_cast<T>(finish(acc[i - i0], R));
  });
  return out;
}

}  // namespace fw::cpu
