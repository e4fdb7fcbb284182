#pragma once
// The learning-rate schedule of SCAN's training script: divide by 10 every `lr_update` epochs,
//   lr(epoch) = lr0 * 0.1^floor(epoch / lr_update).
#include <cstdint>

namespace fw::optim {

// epoch counts from 0; lr_update must be positive.
double step_decay_lr(double lr0, int64_t epoch, int64_t lr_update);

}  // namespace fw::optim
