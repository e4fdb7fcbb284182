#include "framework/optim/lr_schedule.h"

#include <cmath>

#include "framework/core/error.h"

namespace fw::optim {

double step_decay_lr(double lr0, int64_t epoch, int64_t lr_update) {
  check(lr_update > 0, "step_decay_lr", "lr_update must be positive, got ", lr_update);
  check(epoch >= 0, "step_decay_lr", "epoch must be non-negative, got ", epoch);
  // std::pow(0.1, k), as Python's 0.1 ** k, so the values equal those of the reference script.
  return lr0 * std::pow(0.1, static_cast<double>(epoch / lr_update));
}

}  // namespace fw::optim
