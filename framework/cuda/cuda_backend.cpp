// The CUDA backend's host transfers, random fills and singleton.
// The random numbers are drawn on the host, exactly as the CPU backend draws them, and copied:
// the same seed gives the same numbers on every device.
#include "framework/cuda/cuda_backend.h"

#include <vector>

#include "framework/core/allocator.h"
#include "framework/core/error.h"
#include "framework/core/random.h"
#include "framework/cuda/cuda_allocator.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

std::size_t byte_count(const Tensor& t) { return static_cast<std::size_t>(t.numel()) * dtype_size(t.dtype()); }

}  // namespace

// ---- host transfers ----------------------------------------------------------------------------

void CudaBackend::copy_from_host(Tensor& dst, const void* src) {
  DeviceGuard guard(dst.device());
  if (dst.numel() == 0) return;
  check(dst.is_contiguous(), "copy_from_host", "the destination must be dense");
  // From pageable memory the call returns once `src` has been read (staged): the caller may free it.
  check_cuda(cudaMemcpyAsync(address(dst), src, byte_count(dst), cudaMemcpyHostToDevice, stream()),
             "cudaMemcpyAsync", "copy_from_host");
}

void CudaBackend::copy_to_host(void* dst, const Tensor& src) {
  DeviceGuard guard(src.device());
  if (src.numel() == 0) return;
  check(src.is_contiguous(), "copy_to_host", "the source must be dense");
  check_cuda(cudaMemcpyAsync(dst, address(src), byte_count(src), cudaMemcpyDeviceToHost, stream()),
             "cudaMemcpyAsync", "copy_to_host");
  synchronize("copy_to_host");  // the host reads `dst` next; an earlier kernel's failure shows here
}

// ---- random fills: the CPU's loops (cpu_backend.cpp) into a host buffer, then one copy -------------

void CudaBackend::fill_uniform(Tensor& t, double low, double high, Generator& gen) {
  DeviceGuard guard(t.device());
  dispatch_floating(t.dtype(), "uniform", [&]<typename T>() {
    check(t.is_contiguous(), "uniform", "the tensor must be dense");
    std::vector<T> values(static_cast<std::size_t>(t.numel()));
    for (T& v : values) v = static_cast<T>(gen.uniform(low, high));
    copy_from_host(t, values.data());
  });
}

void CudaBackend::fill_normal(Tensor& t, double mean, double stddev, Generator& gen) {
  DeviceGuard guard(t.device());
  dispatch_floating(t.dtype(), "normal", [&]<typename T>() {
    check(t.is_contiguous(), "normal", "the tensor must be dense");
    std::vector<T> values(static_cast<std::size_t>(t.numel()));
    for (T& v : values) v = static_cast<T>(mean + stddev * gen.normal());
    copy_from_host(t, values.data());
  });
}

// ---- the singleton -------------------------------------------------------------------------------

// Never destroyed, like the allocator it registers (tensors in static variables outlive main).
// Registering touches no CUDA API, so this is cheap and safe before any device is known to exist;
// framework/devices calls it while the program loads, before any CUDA tensor can be made.
CudaBackend& cuda_backend() {
  static CudaBackend* backend = [] {
    register_allocator(Device::Kind::CUDA, &cuda_allocator());
    return new CudaBackend;
  }();
  return *backend;
}

}  // namespace fw::cuda
