// embedding and index_select: gather slices along one dim; the backward scatter-adds the
// gradient back (cpu/index_kernel).
#include "framework/ops/indexing.h"

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"

namespace fw {

namespace {

// The multi-index of flat position `flat` in a row-major tensor of `shape`, as "[i, j]".
std::string position_str(int64_t flat, const Shape& shape) {
  Shape index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return shape_str(index);
}

void check_int64(const char* op, const char* what, const Tensor& t) {
  check(t.dtype() == DType::Int64, op, "expected ", what, " to be an int64 tensor, got ", dtype_name(t.dtype()), " ",
        shape_str(t.shape()));
}

}  // namespace

Tensor embedding(const Tensor& weight, const Tensor& ids) {
  check(weight.dim() == 2, "embedding", "expected a 2-D weight [V, d], got ", shape_str(weight.shape()));
  check(is_floating(weight.dtype()), "embedding", "expected a float32 or float64 weight, got ",
        dtype_name(weight.dtype()));
  check_int64("embedding", "ids", ids);
  const int64_t V = weight.shape()[0], d = weight.shape()[1];
  const std::vector<int64_t> rows = ids.to_vector<int64_t>();
  for (size_t i = 0; i < rows.size(); ++i)
    check(rows[i] >= 0 && rows[i] < V, "embedding", "id ", rows[i], " at position ",
          position_str(static_cast<int64_t>(i), ids.shape()), " of ids ", shape_str(ids.shape()),
          " is out of range for a weight ", shape_str(weight.shape()), " (V = ", V, ")");
  Shape shape = ids.shape();
  shape.push_back(d);
  Tensor out = backend(weight.device()).index_gather(weight, 0, rows).view(shape);
  // d weight[v] = Σ over positions p with ids[p] == v of grad[p]
  return record1("embedding", out, {weight}, [rows, n = static_cast<int64_t>(rows.size()), d, wshape = weight.shape()](
                                                 const Tensor& g) {
    return std::vector<Tensor>{backend(g.device()).index_scatter_add(g.reshape({n, d}), 0, rows, wshape)};
  });
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  check(x.dim() >= 1, "index_select", "expected a tensor with at least one dim, got shape ", shape_str(x.shape()));
  dim = normalize_dim(dim, x.dim(), "index_select");
  check_int64("index_select", "index", index);
  check(index.dim() == 1, "index_select", "expected a 1-D index, got shape ", shape_str(index.shape()));
  const int64_t size = x.shape()[dim];
  const std::vector<int64_t> rows = index.to_vector<int64_t>();
  for (size_t i = 0; i < rows.size(); ++i)
    check(rows[i] >= 0 && rows[i] < size, "index_select", "index ", rows[i], " at position ", i,
          " is out of range for dim ", dim, " of size ", size, " (shape ", shape_str(x.shape()), ")");
  Tensor out = backend(x.device()).index_gather(x, dim, rows);
  return record1("index_select", out, {x}, [rows, dim, shape = x.shape()](const Tensor& g) {
    return std::vector<Tensor>{backend(g.device()).index_scatter_add(g, dim, rows, shape)};
  });
}

}  // namespace fw
