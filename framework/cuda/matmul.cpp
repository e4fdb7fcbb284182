// The CUDA backend's matrix products: out = a b on cuBLAS (gemm.h), 2-D or batched 3-D, with a
// 2-D operand or a batch of one broadcast over the batch (the CPU's CpuBackend::matmul semantics).
#include <cstdint>

#include "framework/core/error.h"
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/gemm.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

void CudaBackend::matmul(Tensor& out, const Tensor& a, const Tensor& b) {
  DeviceGuard guard(out.device());
  dispatch_floating(a.dtype(), "matmul", [&]<typename T>() {
    check(a.dtype() == b.dtype() && a.dtype() == out.dtype(), "matmul", "expected one dtype, got a ",
          dtype_name(a.dtype()), ", b ", dtype_name(b.dtype()), ", out ", dtype_name(out.dtype()));
    check(out.is_contiguous(), "matmul", "the output must be dense");
    const int64_t batch = out.dim() == 3 ? out.shape()[0] : 1;
    const int64_t m = a.size(-2), n = b.size(-1), k = a.size(-1);
    if (batch == 0 || m == 0 || n == 0) return;
    T* c = address_as<T>(out);
    if (k == 0) {  // an empty sum: out = 0 (zero bits are 0.0)
      check_cuda(cudaMemsetAsync(c, 0, static_cast<size_t>(out.numel()) * sizeof(T), stream()), "cudaMemsetAsync",
                 "matmul");
      return;
    }
    const PreparedOperand<T> pa = prepare_operand<T>(*this, a), pb = prepare_operand<T>(*this, b);
    // Row-major A_i that follow one another in memory, times a shared B, are one [batch·m, k] @ [k, n]
    // product: row j of A_i is row i·m + j of the stacked matrix (and out is dense, so C stacks too).
    if (batch > 1 && pb.gemm.batch_stride == 0 && !pa.gemm.layout.transposed &&
        pa.gemm.batch_stride == m * pa.gemm.layout.ld) {
      gemm<T>("matmul", batch * m, n, k, pa.gemm, pb.gemm, T(0), c, n);
      return;
    }
    gemm<T>("matmul", m, n, k, pa.gemm, pb.gemm, T(0), c, n, batch, m * n);
  });
}

}  // namespace fw::cuda
