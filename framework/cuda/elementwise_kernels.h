#pragma once
// The launchers of the elementwise kernels (elementwise.cu), for elementwise.cpp, which checks the
// arguments and describes the operands' memory layout. Every launcher runs on stream(), checks its
// launch, and launches nothing for zero elements. Plain C++ (no CUDA types): the host compiler
// reads it too.
//
// Layout: every kernel walks one shape in row-major order (linear index i = 0 .. numel - 1) and
// reads or writes operand k at element offset Σ_d index_d · strides[k][d], index_d the digits of i
// in the mixed radix sizes[0..ndim) (the last dim varies fastest). Operand 0 is the written one.
// Broadcast dims have stride 0. `dense`: every operand's offset is i itself (no division).
#include <cstdint>

#include "framework/backend/backend.h"

namespace fw::cuda {

constexpr int kMaxRank = 8;      // dims after merging (elementwise.cpp merges what it can)
constexpr int kMaxOperands = 5;  // the output and up to four inputs

struct StridedLayout {
  int ndim = 0;
  bool dense = false;
  int64_t numel = 0;
  int64_t sizes[kMaxRank] = {};
  int64_t strides[kMaxOperands][kMaxRank] = {};  // [operand][dim], in elements
};

// dst[offset 0] = static_cast<TDst>(src[offset 1]) for TDst, TSrc in {float, double, int64_t},
// as the CPU converts on x86-64 (elementwise.cu has the float -> int64 edge cases).
template <typename TDst, typename TSrc>
void launch_copy(TDst* dst, const TSrc* src, const StridedLayout& layout);

// data[offset 0] = value (already converted to T on the host, as the CPU converts it).
template <typename T>
void launch_fill(T* data, T value, const StridedLayout& layout);

// out[i] = ElementwiseFn<op>{scalar}(inputs[0][offset 1], ..., inputs[arity - 1][offset arity]);
// out is dense (operand 0 has offset i), T is float or double.
template <typename T>
void launch_elementwise(ElementwiseOp op, T* out, const T* const* inputs, double scalar, const StridedLayout& layout);

// out[i] = cond[offset 1] != 0 ? a[offset 2] : b[offset 3]; C in {float, double, int64_t}.
template <typename T, typename C>
void launch_where(T* out, const C* cond, const T* a, const T* b, const StridedLayout& layout);

// The optimiser updates over n dense elements, the formulas of cpu_backend.cpp in T, rounded the
// same way (no fused multiply-add); the step's doubles are rounded to T as the CPU rounds them.
template <typename T>
void launch_sgd(T* param, const T* grad, T* momentum_buffer, int64_t n, const SgdStep& step);
template <typename T>
void launch_adam(T* param, const T* grad, T* exp_avg, T* exp_avg_sq, int64_t n, const AdamStep& step);

}  // namespace fw::cuda
