#pragma once
// Gathering and scatter-adding slices along one dim, for embedding and index_select. A tensor
// is seen as a dense block [outer, size, inner] with the indexed dim in the middle.
#include <cstdint>
#include <vector>

#include "framework/core/tensor.h"

namespace fw::cpu {

// out[o, i, :] = x[o, index[i], :]; x is viewed as [outer, x.size(dim), inner] and the result
// has x's shape with size index.size() at dim. Indices must already be in range.
Tensor index_gather(const Tensor& x, int64_t dim, const std::vector<int64_t>& index);

// The adjoint of index_gather: out = zeros(shape), out[o, index[i], :] += grad[o, i, :].
// Repeated indices accumulate, in increasing i for every output element (one thread each).
Tensor index_scatter_add(const Tensor& grad, int64_t dim, const std::vector<int64_t>& index, const Shape& shape);

}  // namespace fw::cpu
