#pragma once
// What every file of the CUDA backend shares: status checks that turn a failed CUDA or cuBLAS
// call into an fw::Error naming the call and the op, the one stream all kernels run on,
// the library handles bound to it, the current-device guard, and a tensor's device address.
// Host code only (compiled by the host compiler; the .cu files include it too).
#include <cstdint>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "framework/core/tensor.h"

namespace fw::cuda {

// The number of CUDA devices this process can use: 0 when there is no driver, no device, or the
// runtime fails to start (never throws). `why`, when given, gets the runtime's reason for 0.
int device_count(std::string* why = nullptr);

// Throws fw::Error "<op>: <call> failed: <name> (<description>)<context>" unless `status` is success.
void check_cuda(cudaError_t status, const char* call, const char* op, const std::string& context = "");
void check_cublas(cublasStatus_t status, const char* call, const char* op, const std::string& context = "");
// After a kernel launch: the launch's own error (bad configuration), named after the kernel.
void check_launch(const char* kernel, const char* op);

// The stream every kernel, copy and library call of the backend runs on (the device's legacy
// default stream: work runs in submission order).
cudaStream_t stream();
// The cuBLAS handle of the current device, created on first use, bound to stream().
// cuBLAS is set to CUBLAS_DEFAULT_MATH (FMA, no TF32) and a fixed workspace, so results do not
// depend on the run; set_tf32(true) opts into TF32 tensor-core products for float32.
cublasHandle_t cublas();
void set_tf32(bool on);
bool tf32();

// Makes `device` current for its lifetime and restores the previous one after.
class DeviceGuard {
 public:
  explicit DeviceGuard(Device device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
};

// The device address of a tensor's first element (storage + offset), for kernels and libraries.
inline void* address(const Tensor& t) {
  return static_cast<char*>(const_cast<void*>(t.storage()->data())) +
         t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
}
template <typename T>
T* address_as(const Tensor& t) {
  return static_cast<T*>(address(t));
}

// Waits for every queued kernel and copy; the error of an asynchronous failure names `op`.
void synchronize(const char* op);

}  // namespace fw::cuda
