#pragma once
// The backend of each device: backend(tensor.device()) is how an op finds the code that computes
// it. This is the only place that knows which backends exist (today the CPU's; a CUDA build adds
// its own here), so nothing in ops/, nn/ or optim/ names a device.
#include <initializer_list>

#include "framework/backend/backend.h"

namespace fw {

// The backend of `device`; an error naming the device when this build or machine has none.
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
