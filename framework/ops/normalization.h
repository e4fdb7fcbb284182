#pragma once
// The two normalisations SCAN uses, with SCAN's exact epsilon placement
// (the original model.py's l2norm).
#include "framework/core/tensor.h"

namespace fw {

// x / (sqrt(Σ_dim x²) + eps): eps is added AFTER the square root.
Tensor l2norm(const Tensor& x, int64_t dim, double eps = 1e-8);

// Σ_dim(a ⊙ b) / max(‖a‖₂ ‖b‖₂, eps): the product of the norms is clamped from below, no eps
// inside the norms. a and b broadcast together; the dim is removed.
Tensor cosine_similarity(const Tensor& a, const Tensor& b, int64_t dim, double eps = 1e-8);

}  // namespace fw
