#pragma once
// Device parity: a catalogue case run in float32 on a device and on the CPU (the reference), its
// output and every input gradient compared element by element with a mixed tolerance
//   |x − ref| ≤ atol + rtol · |ref|,
// a NaN on either side never passing. The gradients are those of sum(out ⊙ W) for one random W
// (the same on both sides), so every output element is weighted differently. While the device
// side runs, its allocator fills fresh memory with NaN (Allocator::set_poison), so an output
// element a kernel leaves unwritten fails the check instead of passing by luck. With only the
// CPU, `device` is the CPU and the runner compares the CPU with itself.
#include <cstdint>
#include <string>

#include "framework/backend/backend.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

struct ParityOptions {
  double atol = 1e-5;
  double rtol = 1e-4;
  uint64_t seed = 1;  // inputs and the output projection W
};

struct ParityResult {
  bool passed = false;
  // The largest |x − ref| / (atol + rtol·|ref|) over the output (forward) and over all input
  // gradients (backward): at most 1 passes; infinite for a NaN.
  double forward_error = 0;
  double gradient_error = 0;
  int64_t elements = 0;  // compared, forward and backward together
  std::string worst;     // where the largest error is, or why the case failed
};

// `substitute`, when given, computes for `device` during the device run instead of its own
// backend (a test plants a wrong kernel this way).
ParityResult run_parity(const OpCase& c, Device device, const ParityOptions& options = {},
                        Backend* substitute = nullptr);

}  // namespace fw::testing
