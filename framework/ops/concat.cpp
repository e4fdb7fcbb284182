// cat and stack: each input is copied into its window of the output; the backward hands each
// input the same window of the gradient.
#include <functional>

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/indexing.h"

namespace fw {

namespace {

// window(t, i) is the view of t (the output or its gradient) that belongs to input i.
using Window = std::function<Tensor(const Tensor&, size_t)>;

Tensor join(const char* op, const std::vector<Tensor>& tensors, const Shape& shape, const Window& window) {
  Tensor out = Tensor::empty(shape, tensors[0].dtype(), tensors[0].device());
  Backend& device = backend(out.device());
  for (size_t i = 0; i < tensors.size(); ++i) {
    Tensor target = window(out, i);
    device.copy(target, tensors[i]);
  }
  std::vector<bool> needed;
  for (const Tensor& t : tensors) needed.push_back(t.requires_grad());
  return record1(op, out, tensors, [window, needed](const Tensor& g) {
    std::vector<Tensor> grads(needed.size());
    for (size_t i = 0; i < needed.size(); ++i)
      if (needed[i]) grads[i] = window(g, i);
    return grads;
  });
}

// Non-empty list, one dtype, and every shape equal to the first one's except possibly at `free_dim`.
void check_joinable(const char* op, const std::vector<Tensor>& tensors, int64_t free_dim, const char* rule) {
  const Tensor& first = tensors[0];
  for (size_t i = 1; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    check(t.dtype() == first.dtype(), op, "input ", i, " is ", dtype_name(t.dtype()), " ", shape_str(t.shape()),
          " but input 0 is ", dtype_name(first.dtype()), " ", shape_str(first.shape()));
    check(t.device() == first.device(), op, "input ", i, " is on ", t.device().str(), " but input 0 is on ",
          first.device().str());
    bool matches = t.dim() == first.dim();
    for (int64_t d = 0; matches && d < t.dim(); ++d) matches = d == free_dim || t.shape()[d] == first.shape()[d];
    check(matches, op, "input ", i, " has shape ", shape_str(t.shape()), " but input 0 has shape ",
          shape_str(first.shape()), "; ", rule);
  }
}

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  check(!tensors.empty(), "cat", "expected at least one tensor, got an empty list");
  check(tensors[0].dim() >= 1, "cat", "cannot concatenate 0-D tensors (input 0 has shape [])");
  dim = normalize_dim(dim, tensors[0].dim(), "cat");
  const std::string rule = "all dims except dim " + std::to_string(dim) + " must match";
  check_joinable("cat", tensors, dim, rule.c_str());
  Shape shape = tensors[0].shape();
  shape[dim] = 0;
  std::vector<int64_t> starts;
  for (const Tensor& t : tensors) {
    starts.push_back(shape[dim]);
    shape[dim] += t.shape()[dim];
  }
  return join("cat", tensors, shape, [dim, starts, shape](const Tensor& t, size_t i) {
    const int64_t end = i + 1 < starts.size() ? starts[i + 1] : shape[dim];
    return t.narrow(dim, starts[i], end - starts[i]);
  });
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  check(!tensors.empty(), "stack", "expected at least one tensor, got an empty list");
  dim = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  check_joinable("stack", tensors, -1, "all inputs must have the same shape");
  Shape shape = tensors[0].shape();
  shape.insert(shape.begin() + dim, static_cast<int64_t>(tensors.size()));
  return join("stack", tensors, shape,
              [dim](const Tensor& t, size_t i) { return t.select(dim, static_cast<int64_t>(i)); });
}

}  // namespace fw
