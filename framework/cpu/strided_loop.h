#pragma once
// The CPU's one way of walking tensors of any layout. Given an output shape and, for each
// operand, its strides aligned to that shape (0 on broadcast dims), visit elements in
// row-major order and hand the element offset of each operand to a callback.
#include <array>
#include <cstdint>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/core/shape.h"
#include "framework/core/tensor.h"

namespace fw::cpu {

// Strides of `t` as seen from `out_shape` (NumPy broadcasting; 0 where t is broadcast).
Strides broadcast_strides(const Tensor& t, const Shape& out_shape);

// Calls visit(offsets) for linear positions [begin, end) of `shape`, where offsets[k] is the
// element offset of operand k (strides[k] aligned to `shape`).
template <size_t N, typename Visit>
void visit_range(const Shape& shape, const std::array<const int64_t*, N>& strides, int64_t begin, int64_t end,
                 Visit&& visit) {
  if (begin >= end) return;  // nothing to visit (an empty tensor has a zero in its shape: no % by it)
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (rank == 0) {
    visit(std::array<int64_t, N>{});
    return;
  }
  // Multi-index of `begin`; row_base = offsets of the start of its innermost row.
  std::vector<int64_t> index(rank);
  std::array<int64_t, N> row_base{};
  int64_t rest = begin;
  for (int64_t d = rank - 1; d >= 0; --d) {
    index[d] = rest % shape[d];
    rest /= shape[d];
    if (d < rank - 1)
      for (size_t k = 0; k < N; ++k) row_base[k] += index[d] * strides[k][d];
  }
  const int64_t inner = shape[rank - 1];
  int64_t column = index[rank - 1], position = begin;
  while (position < end) {
    const int64_t run = std::min(inner - column, end - position);
    std::array<int64_t, N> offsets;
    for (size_t k = 0; k < N; ++k) offsets[k] = row_base[k] + column * strides[k][rank - 1];
    for (int64_t j = 0; j < run; ++j) {
      visit(offsets);
      for (size_t k = 0; k < N; ++k) offsets[k] += strides[k][rank - 1];
    }
    position += run;
    column = 0;
    // Next row: increment the outer index with carry.
    for (int64_t d = rank - 2; d >= 0; --d) {
      for (size_t k = 0; k < N; ++k) row_base[k] += strides[k][d];
      if (++index[d] < shape[d]) break;
      for (size_t k = 0; k < N; ++k) row_base[k] -= shape[d] * strides[k][d];
      index[d] = 0;
    }
  }
}

constexpr int64_t kElementwiseGrain = 32768;

// out[i] = f(in_0[i], ..., in_{N-1}[i]) over out's shape; `out` must be contiguous, inputs
// are broadcast to it. TOut/TIn are the element types.
template <typename TOut, typename TIn, size_t N, typename F>
void map_elements(Tensor& out, const std::array<Tensor, N>& inputs, F&& f) {
  const Shape& shape = out.shape();
  TOut* out_data = out.data<TOut>();
  std::array<const TIn*, N> in_data;
  std::array<Strides, N> in_strides;
  bool all_dense = true;
  for (size_t k = 0; k < N; ++k) {
    in_data[k] = inputs[k].template data<TIn>();
    in_strides[k] = broadcast_strides(inputs[k], shape);
    all_dense = all_dense && inputs[k].shape() == shape && inputs[k].is_contiguous();
  }
  const int64_t n = out.numel();
  if (all_dense) {  // the common case: one flat loop the compiler vectorises
    parallel_for(n, kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        std::array<TIn, N> values;
        for (size_t k = 0; k < N; ++k) values[k] = in_data[k][i];
        out_data[i] = std::apply(f, values);
      }
    });
    return;
  }
  std::array<const int64_t*, N> stride_ptrs;
  for (size_t k = 0; k < N; ++k) stride_ptrs[k] = in_strides[k].data();
  parallel_for(n, kElementwiseGrain, [&](int64_t begin, int64_t end) {
    int64_t i = begin;
    visit_range<N>(shape, stride_ptrs, begin, end, [&](const std::array<int64_t, N>& offsets) {
      std::array<TIn, N> values;
      for (size_t k = 0; k < N; ++k) values[k] = in_data[k][offsets[k]];
      out_data[i++] = std::apply(f, values);
    });
  });
}

// dst (any layout) = src broadcast to dst's shape, converting the element type.
void copy_into(Tensor& dst, const Tensor& src);
// Every element of t (any layout) set to value.
void fill(Tensor& t, double value);

}  // namespace fw::cpu
