#pragma once
// Matrix products on OpenBLAS. A matrix is handed to BLAS as (pointer, transpose flag, leading
// dimension), so a transposed view costs nothing: only a matrix whose strides fit neither
// row-major nor transposed row-major storage has to be copied first.
#include <cstdint>
#include <optional>

namespace fw::cpu {

// How BLAS reads a [rows, cols] matrix whose element (i, j) is at i * row_stride + j * col_stride:
//   transposed == false: row-major, element (i, j) at i * ld + j      (col_stride 1)
//   transposed == true:  the transpose of a row-major [cols, rows] matrix, (i, j) at j * ld + i
//                        (row_stride 1)
struct MatrixLayout {
  bool transposed = false;
  int64_t ld = 1;
};

// The layout BLAS can read in place, or nothing when the matrix must be made contiguous.
std::optional<MatrixLayout> blas_layout(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride);

// One operand of a batched product: matrix b of the batch starts at data + b * batch_stride
// (batch_stride 0: the same matrix for every b).
template <typename T>
struct GemmOperand {
  const T* data = nullptr;
  MatrixLayout layout;
  int64_t batch_stride = 0;
};

// C_b = A_b B_b for b < batch, A_b [m, k], B_b [k, n]; c is dense [batch, m, n]. Each C_b is one
// BLAS call (the whole batch is one call when B is shared and the A_b stack into one matrix),
// made in order from the calling thread; BLAS threads a product itself when it is large enough.
// (OpenBLAS's pthreads build is many times slower when called from OpenMP worker threads, so
// the batch is not split among them.) BLAS splits the rows and columns of C, never the sum over
// k, so results are the same on every run.
template <typename T>
void batched_gemm(int64_t batch, int64_t m, int64_t n, int64_t k, const GemmOperand<T>& a, const GemmOperand<T>& b,
                  T* c);

}  // namespace fw::cpu
