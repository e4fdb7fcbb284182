#include "framework/optim/lr_schedule.h"

#include <doctest/doctest.h>

#include "framework/core/error.h"

using fw::optim::step_decay_lr;

// lr0 * 0.1 ** (epoch // 15) in Python: 0.0002, 0.0002, 2e-05, 2e-05, 2.0000000000000003e-06.
TEST_CASE("step_decay_lr: divides by 10 every lr_update epochs") {
  CHECK(step_decay_lr(2e-4, 0, 15) == 2e-4);
  CHECK(step_decay_lr(2e-4, 14, 15) == 2e-4);
  CHECK(step_decay_lr(2e-4, 15, 15) == 2e-05);
  CHECK(step_decay_lr(2e-4, 29, 15) == 2e-05);
  CHECK(step_decay_lr(2e-4, 30, 15) == 2.0000000000000003e-06);
  CHECK_THROWS_WITH_AS(step_decay_lr(2e-4, 3, 0), doctest::Contains("step_decay_lr: lr_update must be positive"),
                       fw::Error);
  CHECK_THROWS_WITH_AS(step_decay_lr(2e-4, -1, 15), doctest::Contains("step_decay_lr: epoch must be non-negative"),
                       fw::Error);
}
