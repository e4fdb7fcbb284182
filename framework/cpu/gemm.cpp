#include "framework/cpu/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <type_traits>

namespace fw::cpu {

namespace {

CBLAS_TRANSPOSE flag(const MatrixLayout& layout) { return layout.transposed ? CblasTrans : CblasNoTrans; }

// C[m, n] = A[m, k] B[k, n], row-major C with ldc = n.
template <typename T>
void gemm(int64_t m, int64_t n, int64_t k, const T* a, const MatrixLayout& la, const T* b, const MatrixLayout& lb,
          T* c) {
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, flag(la), flag(lb), static_cast<blasint>(m), static_cast<blasint>(n),
                static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(la.ld), b, static_cast<blasint>(lb.ld), 0.0f,
                c, static_cast<blasint>(n));
  } else {
    cblas_dgemm(CblasRowMajor, flag(la), flag(lb), static_cast<blasint>(m), static_cast<blasint>(n),
                static_cast<blasint>(k), 1.0, a, static_cast<blasint>(la.ld), b, static_cast<blasint>(lb.ld), 0.0, c,
                static_cast<blasint>(n));
  }
}

}  // namespace

template <typename T>
void batched_gemm(int64_t batch, int64_t m, int64_t n, int64_t k, const GemmOperand<T>& a, const GemmOperand<T>& b,
                  T* c) {
  if (batch == 0 || m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: BLAS may leave C untouched
    std::fill(c, c + batch * m * n, T(0));
    return;
  }
  // Row-major A_b that follow one another in memory, times a shared B, are one [batch·m, k] @ [k, n]
  // product: row i of A_b is row b·m + i of the stacked matrix.
  if (batch > 1 && b.batch_stride == 0 && !a.layout.transposed && a.batch_stride == m * a.layout.ld) {
    gemm<T>(batch * m, n, k, a.data, a.layout, b.data, b.layout, c);
    return;
  }
  for (int64_t i = 0; i < batch; ++i)
    gemm<T>(m, n, k, a.data + i * a.batch_stride, a.layout, b.data + i * b.batch_stride, b.layout, c + i * m * n);
}

template void batched_gemm<float>(int64_t, int64_t, int64_t, int64_t, const GemmOperand<float>&,
                                  const GemmOperand<float>&, float*);
template void batched_gemm<double>(int64_t, int64_t, int64_t, int64_t, const GemmOperand<double>&,
                                   const GemmOperand<double>&, double*);

}  // namespace fw::cpu
