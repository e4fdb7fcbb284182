#pragma once
// How a BLAS library (OpenBLAS on the CPU, cuBLAS on the GPU) reads one operand of a row-major
// matrix product: (pointer, transpose flag, leading dimension). A transposed view costs nothing;
// only a matrix whose strides fit neither row-major nor transposed row-major storage has to be
// copied first (blas_layout says which, prepare_operand does the copy). Every backend's matmul
// reads its operands this way; the products themselves are each backend's (cpu/gemm.h, cuda/gemm.h).
#include <cstdint>
#include <optional>

#include "framework/core/tensor.h"

namespace fw {

class Backend;

// How BLAS reads a [rows, cols] matrix whose element (i, j) is at i * row_stride + j * col_stride:
//   transposed == false: row-major, element (i, j) at i * ld + j      (col_stride 1)
//   transposed == true:  the transpose of a row-major [cols, rows] matrix, (i, j) at j * ld + i
//                        (row_stride 1)
struct MatrixLayout {
  bool transposed = false;
  int64_t ld = 1;
};

// The layout BLAS can read in place, or nothing when the matrix must be made dense first.
std::optional<MatrixLayout> blas_layout(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride);

// One operand of a batched product: the matrix of batch entry i starts at data + i * batch_stride
// (batch_stride 0: the same matrix for every entry).
template <typename T>
struct GemmOperand {
  const T* data = nullptr;
  MatrixLayout layout;
  int64_t batch_stride = 0;
};

// An operand of matmul (2-D, or 3-D batched) as BLAS will read it. `storage` keeps a dense copy
// alive when the strides did not allow reading the tensor in place.
template <typename T>
struct PreparedOperand {
  Tensor storage;
  GemmOperand<T> gemm;
};

// The last two dims of `t` as one BLAS operand, copied densely with backend.copy when needed;
// a 2-D operand, or a batch of one, is the same matrix for every batch entry (batch_stride 0).
template <typename T>
PreparedOperand<T> prepare_operand(Backend& backend, const Tensor& t);

}  // namespace fw
