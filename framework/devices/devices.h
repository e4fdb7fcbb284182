#pragma once
// The backend of each device: backend(tensor.device()) is how an op finds the code that computes
// it. This is the only place that knows which backends exist (today the CPU's; a CUDA build adds
// its own here), so nothing in ops/, nn/ or optim/ names a device.
#include <initializer_list>

#include "framework/backend/backend.h"

namespace fw {

// The backend of `device`; an error naming the device when this build or machine has none.
Backend& backend(Device device);

// The device all `tensors` are on, for an op that combines them; an error naming `op` and the
// devices when they differ. Undefined tensors are skipped.
Device common_device(const char* op, std::initializer_list<const Tensor*> tensors);

}  // namespace fw
