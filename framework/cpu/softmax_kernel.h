#pragma once
// Softmax and log-sum-exp along one dim, on the [outer, R, inner] layout of a ReductionPlan.
// Both subtract the maximum m before exponentiating, so no exp overflows:
//   logsumexp(x) = m + log Σ_r exp(x_r − m),   softmax(x)_r = exp(x_r − m) / Σ_r' exp(x_r' − m).
// The sums of exponentials are accumulated in double, in increasing r, by one thread per output.
#include <cmath>
#include <limits>

#include "framework/cpu/reduce_kernel.h"

namespace fw::cpu {

namespace detail {
// m[i - i0] = max_r row[r, i] for i in [i0, i1); a NaN propagates.
template <typename T>
void row_max(const T* row, int64_t R, int64_t inner, int64_t i0, int64_t i1, T* m) {
  for (int64_t i = i0; i < i1; ++i) m[i - i0] = -std::numeric_limits<T>::infinity();
  for (int64_t r = 0; r < R; ++r)
    for (int64_t i = i0; i < i1; ++i) {
      const T v = row[r * inner + i];
      if (v > m[i - i0] || std::isnan(v)) m[i - i0] = v;
    }
}
}  // namespace detail

// log Σ_r exp(x[o, r, i]), shaped keep_shape. An infinite maximum is not subtracted (as in
// PyTorch), so all −inf gives −inf and any +inf gives +inf instead of nan.
template <typename T>
Tensor logsumexp_along(const Tensor& x, const ReductionPlan& plan) {
  const Tensor block = reduction_input(x, plan);
  const T* in = block.data<T>();
  Tensor out = Tensor::empty(plan.keep_shape, x.dtype());
  T* result = out.data<T>();
  const int64_t R = plan.reduced, inner = plan.inner;
  parallel_over_outputs(plan, [&](int64_t o, int64_t i0, int64_t i1) {
    const T* row = in + o * R * inner;
    std::array<T, kInnerBlock> m;
    std::array<double, kInnerBlock> s;
    std::fill(s.begin(), s.begin() + (i1 - i0), 0.0);
    detail::row_max(row, R, inner, i0, i1, m.data());
    for (int64_t i = i0; i < i1; ++i)
      if (std::isinf(m[i - i0])) m[i - i0] = T(0);
    for (int64_t r = 0; r < R; ++r)
      for (int64_t i = i0; i < i1; ++i) s[i - i0] += std::exp(row[r * inner + i] - m[i - i0]);
    for (int64_t i = i0; i < i1; ++i)
      result[o * inner + i] = static_cast<T>(m[i - i0] + std::log(s[i - i0]));
  });
  return out;
}

// softmax along the one reduced dim of `plan`, a dense tensor of x's shape. A row that is all −inf (or holds
// +inf or nan) gives nan, as in IEEE arithmetic.
template <typename T>
Tensor softmax_along(const Tensor& x, const ReductionPlan& plan) {
  const Tensor block = reduction_input(x, plan);
  const T* in = block.data<T>();
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  T* y = out.data<T>();
  const int64_t R = plan.reduced, inner = plan.inner;
  parallel_over_outputs(plan, [&](int64_t o, int64_t i0, int64_t i1) {
    const T* row = in + o * R * inner;
    T* out_row = y + o * R * inner;
    std::array<T, kInnerBlock> m;
    std::array<double, kInnerBlock> s;
    std::fill(s.begin(), s.begin() + (i1 - i0), 0.0);
    detail::row_max(row, R, inner, i0, i1, m.data());
    for (int64_t r = 0; r < R; ++r)
      for (int64_t i = i0; i < i1; ++i) {
        const T e = std::exp(row[r * inner + i] - m[i - i0]);
        out_row[r * inner + i] = e;
        s[i - i0] += e;
      }
    for (int64_t r = 0; r < R; ++r)
      for (int64_t i = i0; i < i1; ++i)
        out_row[r * inner + i] = static_cast<T>(out_row[r * inner + i] / s[i - i0]);
  });
  return out;
}

}  // namespace fw::cpu
