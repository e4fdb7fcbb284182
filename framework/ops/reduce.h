#pragma once
// Reductions over dims: sum, mean, max, logsumexp; and softmax along a dim.
// Each output element is accumulated by one thread in index order, so results do not
// depend on the thread count.
#include <vector>

#include "framework/core/tensor.h"

namespace fw {

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor sum(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor sum(const Tensor& x);  // all elements, shape []

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x);

// Maximum over one dim. The gradient goes to the first position holding the maximum
// (as PyTorch's max(dim) with its returned index).
Tensor max(const Tensor& x, int64_t dim, bool keepdim = false);
// Index of that first maximum (int64, no gradient).
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);

// log Σ exp(x) over one dim, computed stably (max subtracted); d = softmax(x).
Tensor logsumexp(const Tensor& x, int64_t dim, bool keepdim = false);

// exp(x - max) / Σ exp(x - max) along `dim`; d: y ⊙ (g − Σ g ⊙ y).
Tensor softmax(const Tensor& x, int64_t dim);

}  // namespace fw
