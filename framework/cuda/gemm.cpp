// Row-major products on cuBLAS (gemm.h): the usual operand swap for a column-major library.
#include "framework/cuda/gemm.h"

#include <climits>
#include <type_traits>

#include "framework/core/error.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

// cuBLAS (the 32-bit API) takes its sizes and leading dimensions as int.
int as_int(int64_t value, const char* what, const char* op) {
  check(value >= 0 && value <= INT_MAX, op, "cuBLAS: ", what, " = ", value, " does not fit in an int");
  return static_cast<int>(value);
}

// A row-major operand's flag in the swapped (column-major) call: a row-major matrix is already its
// own transpose to cuBLAS, so a plain row-major operand is CUBLAS_OP_N and a transposed one CUBLAS_OP_T.
cublasOperation_t flag(const MatrixLayout& layout) { return layout.transposed ? CUBLAS_OP_T : CUBLAS_OP_N; }

// C = 0 for the empty sum (k == 0): row by row of n elements, pitch ldc.
template <typename T>
void zero_matrices(const char* op, int64_t m, int64_t n, T* c, int64_t ldc, int64_t batch, int64_t c_batch_stride) {
  const auto pitch = static_cast<size_t>(ldc) * sizeof(T), width = static_cast<size_t>(n) * sizeof(T);
  if (batch == 1 || c_batch_stride == m * ldc) {  // the batch's rows follow one another
    check_cuda(cudaMemset2DAsync(c, pitch, 0, width, static_cast<size_t>(batch * m), stream()), "cudaMemset2DAsync",
               op);
    return;
  }
  for (int64_t i = 0; i < batch; ++i)
    check_cuda(cudaMemset2DAsync(c + i * c_batch_stride, pitch, 0, width, static_cast<size_t>(m), stream()),
               "cudaMemset2DAsync", op);
}

}  // namespace

template <typename T>
void gemm(const char* op, int64_t m, int64_t n, int64_t k, const GemmOperand<T>& a, const GemmOperand<T>& b, T beta,
          T* c, int64_t ldc, int64_t batch, int64_t c_batch_stride) {
  if (batch == 0 || m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: cuBLAS is not relied on to scale C by beta
    if (beta == T(0)) zero_matrices(op, m, n, c, ldc, batch, c_batch_stride);
    return;
  }
  // Row-major C [m, n] = A B  <=>  column-major Cᵀ [n, m] = Bᵀ Aᵀ: cuBLAS gets (B, A) and (n, m).
  const int M = as_int(n, "n", op), N = as_int(m, "m", op), K = as_int(k, "k", op);
  const int lda = as_int(a.layout.ld, "lda", op), ldb = as_int(b.layout.ld, "ldb", op), ldC = as_int(ldc, "ldc", op);
  const cublasOperation_t ta = flag(b.layout), tb = flag(a.layout);
  const T alpha = T(1);
  if (batch == 1) {
    if constexpr (std::is_same_v<T, float>) {
      check_cublas(cublasSgemm(cublas(), ta, tb, M, N, K, &alpha, b.data, ldb, a.data, lda, &beta, c, ldC),
                   "cublasSgemm", op);
    } else {
      check_cublas(cublasDgemm(cublas(), ta, tb, M, N, K, &alpha, b.data, ldb, a.data, lda, &beta, c, ldC),
                   "cublasDgemm", op);
    }
    return;
  }
  const int count = as_int(batch, "batch", op);
  const long long sa = a.batch_stride, sb = b.batch_stride, sc = c_batch_stride;
  if constexpr (std::is_same_v<T, float>) {
    check_cublas(cublasSgemmStridedBatched(cublas(), ta, tb, M, N, K, &alpha, b.data, ldb, sb, a.data, lda, sa, &beta,
                                           c, ldC, sc, count),
                 "cublasSgemmStridedBatched", op);
  } else {
    check_cublas(cublasDgemmStridedBatched(cublas(), ta, tb, M, N, K, &alpha, b.data, ldb, sb, a.data, lda, sa, &beta,
                                           c, ldC, sc, count),
                 "cublasDgemmStridedBatched", op);
  }
}

template void gemm<float>(const char*, int64_t, int64_t, int64_t, const GemmOperand<float>&,
                          const GemmOperand<float>&, float, float*, int64_t, int64_t, int64_t);
template void gemm<double>(const char*, int64_t, int64_t, int64_t, const GemmOperand<double>&,
                           const GemmOperand<double>&, double, double*, int64_t, int64_t, int64_t);

}  // namespace fw::cuda
