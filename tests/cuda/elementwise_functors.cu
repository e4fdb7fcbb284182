// Compile-only check that the elementwise formulas of framework/backend/elementwise_ops.h are
// device code: every ElementwiseFn instantiated in a CUDA kernel, for float and double. Built
// (never run) when CMake finds nvcc, with warnings as errors, so that a formula nvcc cannot
// compile fails the build on a machine with CUDA, before any CUDA backend uses it.
#include "framework/backend/elementwise_ops.h"

template <fw::ElementwiseOp Op, typename T>
__global__ void apply(T* out, const T* a, const T* b, const T* c, const T* d, int n, double s) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  fw::ElementwiseFn<Op> fn;
  fn.s = s;
  if constexpr (fw::ElementwiseFn<Op>::arity == 1) out[i] = fn(a[i]);
  else if constexpr (fw::ElementwiseFn<Op>::arity == 2) out[i] = fn(a[i], b[i]);
  else if constexpr (fw::ElementwiseFn<Op>::arity == 3) out[i] = fn(a[i], b[i], c[i]);
  else out[i] = fn(a[i], b[i], c[i], d[i]);
}

template <typename T>
void instantiate_all() {
  for (int code = 0; code <= static_cast<int>(fw::ElementwiseOp::CosineGradNorm2); ++code)
    fw::visit_elementwise(static_cast<fw::ElementwiseOp>(code), [&]<fw::ElementwiseOp Op>() {
      apply<Op, T><<<1, 32>>>(nullptr, nullptr, nullptr, nullptr, nullptr, 0, 0.0);
    });
}

template void instantiate_all<float>();
template void instantiate_all<double>();
