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

}  // namespace fw
