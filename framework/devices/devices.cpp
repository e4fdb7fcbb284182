#include "framework/devices/devices.h"

#include <string>

#include "framework/core/error.h"
#include "framework/cpu/cpu_backend.h"
#ifdef FW_HAS_CUDA
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/runtime.h"
#endif

namespace fw {

namespace {

Backend* overridden[2] = {nullptr, nullptr};  // by Device::Kind

#ifdef FW_HAS_CUDA
// The CUDA allocator is registered while the program loads (cuda_backend() registers it and
// touches no CUDA API), so that a CUDA tensor made before any backend lookup (Tensor::empty goes
// straight to core's allocator(device), and core cannot call up into this layer) finds it. Every
// program that makes tensors through the framework links this file (tensor_data.cpp needs it).
[[maybe_unused]] const bool cuda_allocator_registered = (cuda::cuda_backend(), true);

// How many devices the machine has, asked once (the first call starts the CUDA driver).
struct CudaDevices {
  int count = 0;
  std::string why;  // the runtime's reason when count is 0
};

const CudaDevices& cuda_devices() {
  static const CudaDevices found = [] {
    CudaDevices d;
    d.count = cuda::device_count(&d.why);
    return d;
  }();
  return found;
}
#endif

Backend& cuda_backend_for(Device device) {
#ifdef FW_HAS_CUDA
  const CudaDevices& devices = cuda_devices();
  if (device.index >= 0 && device.index < devices.count) return cuda::cuda_backend();
  const std::string why = devices.count == 0 ? devices.why
                                             : std::to_string(devices.count) +
                                                   (devices.count == 1 ? " device found" : " devices found");
  throw Error(detail::concat("backend: no backend for device ", device.str(), ": no CUDA device ", device.str(),
                             " on this machine (", why, ")"));
#else
  throw Error(detail::concat("backend: no backend for device ", device.str(),
                             " in this build: this build has no CUDA backend (configure where nvcc and cuBLAS "
                             "are found, with FW_CUDA=ON)"));
#endif
}

}  // namespace

BackendOverride::BackendOverride(Device::Kind kind, Backend& substitute) : kind_(kind) {
  check(overridden[static_cast<int>(kind)] == nullptr, "BackendOverride", "one override at a time");
  overridden[static_cast<int>(kind)] = &substitute;
}

BackendOverride::~BackendOverride() { overridden[static_cast<int>(kind_)] = nullptr; }

Backend& backend(Device device) {
  if (Backend* substitute = overridden[static_cast<int>(device.kind)]) return *substitute;
  if (device.is_cpu()) return cpu::cpu_backend();
  return cuda_backend_for(device);
}

Device common_device(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    if (!t->defined()) continue;
    if (!first) first = t;
    else check(t->device() == first->device(), op, "tensors on different devices: ", first->device().str(), " and ",
               t->device().str());
  }
  return first ? first->device() : Device::cpu();
}

}  // namespace fw
