#pragma once
// Matrix products on OpenBLAS. Each operand is handed to BLAS as (pointer, transpose flag, leading
// dimension): backend/matrix_layout.h.
#include <cstdint>

#include "framework/backend/matrix_layout.h"

namespace fw::cpu {

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
