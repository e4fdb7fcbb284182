#pragma once
// Shapes and strides. Strides count elements (not bytes), as in PyTorch and NumPy / itemsize.
#include <cstdint>
#include <string>
#include <vector>

namespace fw {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;

int64_t numel(const Shape& shape);
// Row-major (C order) strides for a dense tensor of this shape.
Strides contiguous_strides(const Shape& shape);
// "[2, 3, 4]"
std::string shape_str(const Shape& shape);
// Turns a possibly negative dim (-1 = last) into 0..rank-1, or throws naming `op`.
int64_t normalize_dim(int64_t dim, int64_t rank, const char* op);
// NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

}  // namespace fw
