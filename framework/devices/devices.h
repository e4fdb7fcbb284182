#pragma once
// The backend of each device: backend(tensor.device()) is how an op finds the code that computes
// it. This is the only place that knows which backends exist (the CPU's, and in a build with
// FW_HAS_CUDA the CUDA one, framework/cuda), so nothing in ops/, nn/ or optim/ names a device.
// A CUDA build registers the CUDA allocator while the program loads (devices.cpp), so CUDA
// tensors can be allocated before any backend lookup.
#include <initializer_list>

#include "framework/backend/backend.h"

namespace fw {

// The backend of `device`; an error naming the device and saying why when this build has no
// backend for its kind or (CUDA) the machine has no such device.
Backend& backend(Device device);

// While alive, `substitute` computes for every device of `kind` instead of its own backend (for
// tests: a backend with a planted wrong kernel must make the parity runner fail). Not
// thread-safe; one at a time.
class BackendOverride {
 public:
  BackendOverride(Device::Kind kind, Backend& substitute);
  ~BackendOverride();
  BackendOverride(const BackendOverride&) = delete;
  BackendOverride& operator=(const BackendOverride&) = delete;

 private:
  Device::Kind kind_;
};

// The device all `tensors` are on, for an op that combines them; an error naming `op` and the
// devices when they differ. Undefined tensors are skipped.
Device common_device(const char* op, std::initializer_list<const Tensor*> tensors);

}  // namespace fw
