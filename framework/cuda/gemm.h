#pragma once
// Row-major matrix products on cuBLAS, for matmul.cpp and gru.cpp. cuBLAS is column-major: a
// row-major [r, c] matrix with leading dimension ld is, to cuBLAS, its transpose [c, r] with the
// same ld, so the row-major C = op(A) op(B) is computed as the column-major Cᵀ = op(B)ᵀ op(A)ᵀ,
// i.e. cuBLAS is called with the operands (and m, n) swapped and each operand's own flag.
// A transposed view costs nothing: only a matrix whose strides fit neither row-major nor
// transposed row-major storage has to be copied first (blas_layout says which).
#include <cstdint>
#include <optional>

namespace fw::cuda {

// How cuBLAS reads a [rows, cols] matrix whose element (i, j) is at i * row_stride + j * col_stride:
//   transposed == false: row-major, element (i, j) at i * ld + j      (col_stride 1)
//   transposed == true:  the transpose of a row-major [cols, rows] matrix, (i, j) at j * ld + i
//                        (row_stride 1)
struct MatrixLayout {
  bool transposed = false;
  int64_t ld = 1;
};

// The layout cuBLAS can read in place, or nothing when the matrix must be made dense first.
std::optional<MatrixLayout> blas_layout(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride);

// One operand of a (batched) product: the matrix of batch entry i starts at data + i * batch_stride
// (batch_stride 0: the same matrix for every entry).
template <typename T>
struct GemmOperand {
  const T* data = nullptr;
  MatrixLayout layout;
  int64_t batch_stride = 0;
};

// C_i = A_i B_i + beta C_i for i < batch, A_i [m, k], B_i [k, n], C_i row-major [m, n] with leading
// dimension ldc at c + i * c_batch_stride. beta is 0 (C written) or 1 (C accumulated). k == 0 is
// an empty sum: C is zeroed (beta 0) or left as it is (beta 1). One cuBLAS call on stream()
// (cuBLAS products are deterministic for a fixed device and handle); `op` names the caller in errors.
template <typename T>
void gemm(const char* op, int64_t m, int64_t n, int64_t k, const GemmOperand<T>& a, const GemmOperand<T>& b, T beta,
          T* c, int64_t ldc, int64_t batch = 1, int64_t c_batch_stride = 0);

}  // namespace fw::cuda
