#include "framework/devices/devices.h"

#include "framework/core/error.h"
#include "framework/cpu/cpu_backend.h"

namespace fw {

namespace {

Backend* overridden[2] = {nullptr, nullptr};  // by Device::Kind

}  // namespace

BackendOverride::BackendOverride(Device::Kind kind, Backend& substitute) : kind_(kind) {
  check(overridden[static_cast<int>(kind)] == nullptr, "BackendOverride", "one override at a time");
  overridden[static_cast<int>(kind)] = &substitute;
}

BackendOverride::~BackendOverride() { overridden[static_cast<int>(kind_)] = nullptr; }

Backend& backend(Device device) {
  if (Backend* substitute = overridden[static_cast<int>(device.kind)]) return *substitute;
  check(device.is_cpu(), "backend", "no backend for device ", device.str(),
        " in this build (only the CPU's: the CUDA backend is not built)");
  return cpu::cpu_backend();
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
