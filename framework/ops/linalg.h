#pragma once
// Matrix products on OpenBLAS (sgemm/dgemm). A transposed operand is handed to BLAS as a
// transpose flag instead of being copied, whenever its strides allow.
#include "framework/core/tensor.h"

namespace fw {

// [m, k] @ [k, n] -> [m, n]; [B, m, k] @ [B, k, n] -> [B, m, n] (batched; a batch of 1, or a
// 2-D operand, is broadcast against the other's batch). Backward: dA = dC Bᵀ, dB = Aᵀ dC.
Tensor matmul(const Tensor& a, const Tensor& b);
// Batched product of 3-D tensors, same batch size.
Tensor bmm(const Tensor& a, const Tensor& b);

}  // namespace fw
