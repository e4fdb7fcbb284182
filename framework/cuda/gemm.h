#pragma once
// Row-major matrix products on cuBLAS, for matmul.cpp and gru.cpp. cuBLAS is column-major: a
// row-major [r, c] matrix with leading dimension ld is, to cuBLAS, its transpose [c, r] with the
// same ld, so the row-major C = op(A) op(B) is computed as the column-major Cᵀ = op(B)ᵀ op(A)ᵀ,
// i.e. cuBLAS is called with the operands (and m, n) swapped and each operand's own flag.
// The operands are read as backend/matrix_layout.h describes, so a transposed view costs nothing.
#include <cstdint>

#include "framework/backend/matrix_layout.h"

namespace fw::cuda {

// C_i = A_i B_i + beta C_i for i < batch, A_i [m, k], B_i [k, n], C_i row-major [m, n] with leading
// dimension ldc at c + i * c_batch_stride. beta is 0 (C written) or 1 (C accumulated). k == 0 is
// an empty sum: C is zeroed (beta 0) or left as it is (beta 1). One cuBLAS call on stream()
// (cuBLAS products are deterministic for a fixed device and handle); `op` names the caller in errors.
template <typename T>
void gemm(const char* op, int64_t m, int64_t n, int64_t k, const GemmOperand<T>& a, const GemmOperand<T>& b, T beta,
          T* c, int64_t ldc, int64_t batch = 1, int64_t c_batch_stride = 0);

}  // namespace fw::cuda
