#pragma once
// Elementwise selection by a condition of any dtype (nonzero = true), with broadcasting:
// the kernel behind masked_fill and where.
#include "framework/cpu/strided_loop.h"

namespace fw::cpu {

// out[i] = cond[i] != 0 ? a[i] : b[i], with cond, a and b broadcast to out's (contiguous) shape.
// a, b and out share the element type T; cond may be float32, float64 or int64.
template <typename T>
void select_where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  const Shape& shape = out.shape();
  const Strides sc = broadcast_strides(cond, shape), sa = broadcast_strides(a, shape), sb = broadcast_strides(b, shape);
  const std::array<const int64_t*, 3> strides{sc.data(), sa.data(), sb.data()};
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* result = out.data<T>();
  dispatch_all(cond.dtype(), "where", [&]<typename C>() {
    const C* pc = cond.data<C>();
    parallel_for(out.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      int64_t i = begin;
      visit_range<3>(shape, strides, begin, end, [&](const std::array<int64_t, 3>& o) {
        result[i++] = pc[o[0]] != C(0) ? pa[o[1]] : pb[o[2]];
      });
    });
  });
}

}  // namespace fw::cpu
