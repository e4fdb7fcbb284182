// The CUDA backend's elementwise kernels (elementwise_kernels.h): strided copies converting the
// element type, fills, every ElementwiseFn formula (elementwise_ops.h, the CPU's very functors) for
// float and double, where, and the SGD and Adam updates. Each thread owns whole output elements in
// a grid-stride loop and nothing is accumulated across threads, so the results do not depend on
// the launch configuration. Kernels read inputs without __restrict__: the output may be an input.
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "framework/cuda/elementwise_kernels.h"
#include "framework/cuda/grid_stride.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {


// The element offsets of operands First .. First + Count - 1 at linear index i: the digits of i in
// the mixed radix layout.sizes (innermost dim last), each times the operand's stride of that dim.
// A dense layout skips the divisions: every offset is i.
template <bool Dense, int First, int Count>
__device__ inline void offsets_at(const StridedLayout& layout, int64_t i, int64_t (&offset)[Count]) {
  if constexpr (Dense) {
#pragma unroll
    for (int k = 0; k < Count; ++k) offset[k] = i;
  } else {
#pragma unroll
    for (int k = 0; k < Count; ++k) offset[k] = 0;
    for (int d = layout.ndim - 1; d >= 0; --d) {
      const int64_t size = layout.sizes[d], rest = i / size, index = i - rest * size;
      i = rest;
#pragma unroll
      for (int k = 0; k < Count; ++k) offset[k] += index * layout.strides[First + k][d];
    }
  }
}

// static_cast<TDst>(v) as the CPU (x86-64) computes it. Between the floating types and from int64
// CUDA's conversions round to nearest like x86's. Floating -> int64: x86's cvttsd2si / cvttss2si
// truncate toward zero and give INT64_MIN (the "integer indefinite") for NaN and for values outside
// [-2^63, 2^63), where CUDA's conversion would saturate (and give 0 for NaN), so the range is tested
// here (±2^63 are exact in float and double; NaN fails both comparisons).
template <typename TDst, typename TSrc>
__device__ inline TDst convert(TSrc v) {
  if constexpr (std::is_same_v<TDst, int64_t> && !std::is_same_v<TSrc, int64_t>) {
    constexpr TSrc limit = static_cast<TSrc>(9223372036854775808.0);  // 2^63
    return v >= -limit && v < limit ? static_cast<int64_t>(v) : INT64_MIN;
  } else {
    return static_cast<TDst>(v);
  }
}

// ---- copy, fill ------------------------------------------------------------------------------

template <typename TDst, typename TSrc, bool Dense>
__global__ void copy_kernel(TDst* dst, const TSrc* src, const __grid_constant__ StridedLayout layout) {
  for (int64_t i = thread_index(); i < layout.numel; i += thread_count()) {
    int64_t offset[2];
    offsets_at<Dense, 0, 2>(layout, i, offset);
    dst[offset[0]] = convert<TDst>(src[offset[1]]);
  }
}

template <typename T, bool Dense>
__global__ void fill_kernel(T* data, T value, const __grid_constant__ StridedLayout layout) {
  for (int64_t i = thread_index(); i < layout.numel; i += thread_count()) {
    int64_t offset[1];
    offsets_at<Dense, 0, 1>(layout, i, offset);
    data[offset[0]] = value;
  }
}

// ---- elementwise formulas, where ----------------------------------------------------------------

template <int N, typename T>
struct Inputs {
  const T* data[N];
};

// out[i] = fn(inputs at their offsets); out is dense, so its offset is i itself. An input that is
// out (in place) is read at i by the thread that then writes i: no other thread touches i.
template <ElementwiseOp Op, typename T, bool Dense>
__global__ void elementwise_kernel(T* out, Inputs<ElementwiseFn<Op>::arity, T> in, double s,
                                   const __grid_constant__ StridedLayout layout) {
  using Fn = ElementwiseFn<Op>;
  constexpr int N = Fn::arity;
  Fn fn;
  fn.s = s;
  for (int64_t i = thread_index(); i < layout.numel; i += thread_count()) {
    int64_t o[N];
    offsets_at<Dense, 1, N>(layout, i, o);
    if constexpr (N == 1) out[i] = fn(in.data[0][o[0]]);
    else if constexpr (N == 2) out[i] = fn(in.data[0][o[0]], in.data[1][o[1]]);
    else if constexpr (N == 3) out[i] = fn(in.data[0][o[0]], in.data[1][o[1]], in.data[2][o[2]]);
    else out[i] = fn(in.data[0][o[0]], in.data[1][o[1]], in.data[2][o[2]], in.data[3][o[3]]);
  }
}

// cpu/where_kernel.h: only the selected value is read; a NaN condition is nonzero (true).
template <typename T, typename C, bool Dense>
__global__ void where_kernel(T* out, const C* cond, const T* a, const T* b,
                             const __grid_constant__ StridedLayout layout) {
  for (int64_t i = thread_index(); i < layout.numel; i += thread_count()) {
    int64_t o[3];
    offsets_at<Dense, 1, 3>(layout, i, o);
    out[i] = cond[o[0]] != C(0) ? a[o[1]] : b[o[2]];
  }
}

// ---- optimiser updates ---------------------------------------------------------------------------

// IEEE operations rounded to nearest and never contracted into a fused multiply-add (nvcc contracts
// a * b + c by default; the CPU is built with -ffp-contract=off), so that the updates round exactly
// as the CPU's: the same bits in float32 and float64.
__device__ inline float add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ inline float sub_rn(float a, float b) { return __fsub_rn(a, b); }
__device__ inline float mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ inline float div_rn(float a, float b) { return __fdiv_rn(a, b); }
__device__ inline float sqrt_rn(float a) { return __fsqrt_rn(a); }
__device__ inline double add_rn(double a, double b) { return __dadd_rn(a, b); }
__device__ inline double sub_rn(double a, double b) { return __dsub_rn(a, b); }
__device__ inline double mul_rn(double a, double b) { return __dmul_rn(a, b); }
__device__ inline double div_rn(double a, double b) { return __ddiv_rn(a, b); }
__device__ inline double sqrt_rn(double a) { return __dsqrt_rn(a); }

// The step's doubles rounded to T on the host, as cpu_backend.cpp rounds them (1 - dampening and
// 1 - beta are taken in double first).
template <typename T>
struct SgdCoefficients {
  T decay, momentum, undamped, rate;
  bool decays, first;
};
template <typename T>
struct AdamCoefficients {
  T beta1, one_minus_beta1, beta2, one_minus_beta2, eps, decay, size, bc2;
  bool decays;
};

// optim/sgd.h, in the CPU's order:  d = g + wd·p;  buf = first ? d : momentum·buf + (1 - dampening)·d;
// p -= lr·buf  (p -= lr·d without a buffer).
template <typename T>
__global__ void sgd_kernel(T* p, const T* g, T* buf, int64_t n, SgdCoefficients<T> c) {
  for (int64_t i = thread_index(); i < n; i += thread_count()) {
    T d = c.decays ? add_rn(g[i], mul_rn(c.decay, p[i])) : g[i];
    if (buf) {
      d = c.first ? d : add_rn(mul_rn(c.momentum, buf[i]), mul_rn(c.undamped, d));
      buf[i] = d;
    }
    p[i] = sub_rn(p[i], mul_rn(c.rate, d));
  }
}

// optim/adam.h, in the CPU's order:  g' = g + wd·p;  m = β1·m + (1 - β1)·g';  v = β2·v + ((1 - β2)·g')·g';
// p -= step_size · (m / (sqrt(v) / bias_correction2_sqrt + eps)).
template <typename T>
__global__ void adam_kernel(T* p, const T* g, T* m, T* v, int64_t n, AdamCoefficients<T> c) {
  for (int64_t i = thread_index(); i < n; i += thread_count()) {
    const T gi = c.decays ? add_rn(g[i], mul_rn(c.decay, p[i])) : g[i];
    const T mi = add_rn(mul_rn(c.beta1, m[i]), mul_rn(c.one_minus_beta1, gi));
    const T vi = add_rn(mul_rn(c.beta2, v[i]), mul_rn(mul_rn(c.one_minus_beta2, gi), gi));
    m[i] = mi;
    v[i] = vi;
    const T denom = add_rn(div_rn(sqrt_rn(vi), c.bc2), c.eps);
    p[i] = sub_rn(p[i], mul_rn(c.size, div_rn(mi, denom)));
  }
}

}  // namespace

// ---- launchers -----------------------------------------------------------------------------------

template <typename TDst, typename TSrc>
void launch_copy(TDst* dst, const TSrc* src, const StridedLayout& layout) {
  if (layout.numel == 0) return;
  const unsigned blocks = blocks_for(layout.numel);
  if (layout.dense) copy_kernel<TDst, TSrc, true><<<blocks, kThreads, 0, stream()>>>(dst, src, layout);
  else copy_kernel<TDst, TSrc, false><<<blocks, kThreads, 0, stream()>>>(dst, src, layout);
  check_launch("copy_kernel", "copy");
}

template <typename T>
void launch_fill(T* data, T value, const StridedLayout& layout) {
  if (layout.numel == 0) return;
  const unsigned blocks = blocks_for(layout.numel);
  if (layout.dense) fill_kernel<T, true><<<blocks, kThreads, 0, stream()>>>(data, value, layout);
  else fill_kernel<T, false><<<blocks, kThreads, 0, stream()>>>(data, value, layout);
  check_launch("fill_kernel", "fill");
}

// One kernel per formula, type and layout kind (dense or strided): every ElementwiseOp is
// instantiated here for float and double.
template <typename T>
void launch_elementwise(ElementwiseOp op, T* out, const T* const* inputs, double scalar, const StridedLayout& layout) {
  if (layout.numel == 0) return;
  visit_elementwise(op, [&]<ElementwiseOp Op>() {
    constexpr int N = ElementwiseFn<Op>::arity;
    Inputs<N, T> in;
    for (int k = 0; k < N; ++k) in.data[k] = inputs[k];
    const unsigned blocks = blocks_for(layout.numel);
    if (layout.dense) elementwise_kernel<Op, T, true><<<blocks, kThreads, 0, stream()>>>(out, in, scalar, layout);
    else elementwise_kernel<Op, T, false><<<blocks, kThreads, 0, stream()>>>(out, in, scalar, layout);
    check_launch("elementwise_kernel", ElementwiseFn<Op>::name);
  });
}

template <typename T, typename C>
void launch_where(T* out, const C* cond, const T* a, const T* b, const StridedLayout& layout) {
  if (layout.numel == 0) return;
  const unsigned blocks = blocks_for(layout.numel);
  if (layout.dense) where_kernel<T, C, true><<<blocks, kThreads, 0, stream()>>>(out, cond, a, b, layout);
  else where_kernel<T, C, false><<<blocks, kThreads, 0, stream()>>>(out, cond, a, b, layout);
  check_launch("where_kernel", "where");
}

template <typename T>
void launch_sgd(T* param, const T* grad, T* momentum_buffer, int64_t n, const SgdStep& o) {
  if (n == 0) return;
  const SgdCoefficients<T> c{T(o.weight_decay), T(o.momentum), T(1.0 - o.dampening), T(o.lr),
                             o.weight_decay != 0.0, o.first};
  sgd_kernel<T><<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, momentum_buffer, n, c);
  check_launch("sgd_kernel", "SGD");
}

template <typename T>
void launch_adam(T* param, const T* grad, T* exp_avg, T* exp_avg_sq, int64_t n, const AdamStep& o) {
  if (n == 0) return;
  const AdamCoefficients<T> c{T(o.beta1), T(1.0 - o.beta1), T(o.beta2),     T(1.0 - o.beta2),
                              T(o.eps),   T(o.weight_decay), T(o.step_size), T(o.bias_correction2_sqrt),
                              o.weight_decay != 0.0};
  adam_kernel<T><<<blocks_for(n), kThreads, 0, stream()>>>(param, grad, exp_avg, exp_avg_sq, n, c);
  check_launch("adam_kernel", "Adam");
}

// ---- instantiations ------------------------------------------------------------------------------

#define FW_COPY(TDst, TSrc) template void launch_copy<TDst, TSrc>(TDst*, const TSrc*, const StridedLayout&);
#define FW_COPY_FROM(TSrc) FW_COPY(float, TSrc) FW_COPY(double, TSrc) FW_COPY(int64_t, TSrc)
FW_COPY_FROM(float)
FW_COPY_FROM(double)
FW_COPY_FROM(int64_t)
#undef FW_COPY_FROM
#undef FW_COPY

template void launch_fill<float>(float*, float, const StridedLayout&);
template void launch_fill<double>(double*, double, const StridedLayout&);
template void launch_fill<int64_t>(int64_t*, int64_t, const StridedLayout&);

template void launch_elementwise<float>(ElementwiseOp, float*, const float* const*, double, const StridedLayout&);
template void launch_elementwise<double>(ElementwiseOp, double*, const double* const*, double, const StridedLayout&);

#define FW_WHERE(T, C) template void launch_where<T, C>(T*, const C*, const T*, const T*, const StridedLayout&);
FW_WHERE(float, float)
FW_WHERE(float, double)
FW_WHERE(float, int64_t)
FW_WHERE(double, float)
FW_WHERE(double, double)
FW_WHERE(double, int64_t)
#undef FW_WHERE

template void launch_sgd<float>(float*, const float*, float*, int64_t, const SgdStep&);
template void launch_sgd<double>(double*, const double*, double*, int64_t, const SgdStep&);
template void launch_adam<float>(float*, const float*, float*, float*, int64_t, const AdamStep&);
template void launch_adam<double>(double*, const double*, double*, double*, int64_t, const AdamStep&);

}  // namespace fw::cuda
