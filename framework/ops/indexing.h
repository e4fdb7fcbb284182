#pragma once
// Gathering rows, joining tensors, and selecting by a mask.
#include <vector>

#include "framework/core/tensor.h"

namespace fw {

// Rows of `weight` [V, d] for every id in `ids` (int64, any shape) -> [ids..., d].
// Backward scatter-adds the output gradient into the rows (repeated ids accumulate).
Tensor embedding(const Tensor& weight, const Tensor& ids);
// Entries of x along `dim` at `index` (1-D int64). Backward: scatter-add.
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);

// Joins along an existing dim / a new dim. Backward: narrow the gradient back.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim);

// `value` where mask (broadcast to x; any dtype, nonzero = true) is set, x elsewhere.
// Backward: the gradient is zeroed at masked positions.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);
// a where condition is nonzero, b elsewhere (all broadcast together).
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

}  // namespace fw
