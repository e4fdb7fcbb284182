#pragma once
// Finite-difference gradient checking, in float64.
//
// For a function f of tensors, gradcheck compares the analytic gradient that backward()
// computes with central differences, for every element of every input:
//
//   L(x)      = Σ w ⊙ f(x)            w: a fixed random tensor of f's output shape
//   numeric   = (L(x + h·e_i) − L(x − h·e_i)) / (2h)
//   analytic  = ∂L/∂x_i from backward()
//
// Projecting onto a random w checks the whole vector-Jacobian product with one backward
// pass (a wrong Jacobian entry shows up unless w is orthogonal to it, which has probability
// zero). An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
//
// Defaults: h = 1e-6, atol = 1e-5, rtol = 1e-3. With float64 and smooth functions of inputs in
// [-1, 1], the truncation error is O(h²) ≈ 1e-12 and rounding O(1e-16 / h) ≈ 1e-10, so real
// errors stand out by many orders of magnitude. Keep inputs away from kinks (relu at 0, max
// ties, |x| at 0) by the choice of inputs, since a kink within h makes differences meaningless.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "framework/core/tensor.h"

namespace fw {

struct GradcheckOptions {
  double step = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  uint64_t seed = 0;  // for the projection w
};

struct GradcheckResult {
  bool passed = true;
  double max_abs_error = 0;  // max over elements of |analytic − numeric|
  double max_rel_error = 0;  // max over elements of |analytic − numeric| / max(|analytic|, |numeric|, 1e-12)
  int64_t elements_checked = 0;
  // The element whose error is largest relative to its tolerance:
  // "input 1 [2, 0]: analytic 0.5, numeric 0.51". Empty when there was nothing to check.
  std::string worst;
};

using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

// `inputs` must be float64 leaves; they are marked requires_grad for the analytic pass and
// perturbed in place (and restored) for the numeric one. Inputs may be non-contiguous views
// but not expanded (stride-0) tensors.
GradcheckResult gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace fw
