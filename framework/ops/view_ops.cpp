// Views (reshape, transpose, permute, narrow, unsqueeze, squeeze, expand) and copies
// (contiguous, clone, to). A view shares storage and changes only shape/strides/offset;
// its backward maps the gradient back through the inverse view.
#include <functional>
#include <numeric>
#include <optional>
#include <vector>

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"

namespace fw {

namespace {

// Resolves one -1 entry and checks the element count.
Shape infer_shape(const Shape& requested, int64_t count, const Shape& from, const char* op) {
  Shape shape = requested;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      check(infer_at < 0, op, "only one dimension can be -1, got ", shape_str(requested));
      infer_at = static_cast<int64_t>(i);
    } else {
      check(shape[i] >= 0, op, "invalid size ", shape[i], " in ", shape_str(requested));
      known *= shape[i];
    }
  }
  if (infer_at >= 0) {
    check(known > 0 && count % known == 0, op, "cannot reshape ", shape_str(from), " into ", shape_str(requested));
    shape[infer_at] = count / known;
  }
  check(numel(shape) == count, op, "cannot reshape ", shape_str(from), " (", count, " elements) into ",
        shape_str(requested), " (", numel(shape), " elements)");
  return shape;
}

// Strides that let `shape` view the data of a tensor with (old_shape, old_strides) without a
// copy, or an empty optional when the layout does not allow it (same rule as PyTorch's view).
std::optional<Strides> view_strides(const Shape& old_shape, const Strides& old_strides, const Shape& shape) {
  Strides strides(shape.size());
  if (numel(shape) == 0 || shape.empty() || old_shape.empty()) return contiguous_strides(shape);
  // Walk old dims in groups that are mutually contiguous; each group maps onto a run of new dims.
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.empty() ? 1 : old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(old_shape.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    if (d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return strides;
}

Tensor view_with_grad(const char* op, const Tensor& self, Shape shape, Strides strides, int64_t offset,
                      std::function<std::vector<Tensor>(const Tensor&)> backward) {
  return record1(op, make_view(self, std::move(shape), std::move(strides), offset), {self}, std::move(backward));
}

}  // namespace

Tensor Tensor::view(const Shape& requested) const {
  const Shape shape = infer_shape(requested, numel(), this->shape(), "view");
  auto strides = view_strides(this->shape(), this->strides(), shape);
  check(strides.has_value(), "view", "a tensor of shape ", shape_str(this->shape()),
        " with these strides cannot be viewed as ", shape_str(shape), " without a copy (use reshape)");
  return view_with_grad("view", *this, shape, *strides, offset(),
                        [in = this->shape()](const Tensor& g) { return std::vector<Tensor>{g.reshape(in)}; });
}

Tensor Tensor::reshape(const Shape& requested) const {
  const Shape shape = infer_shape(requested, numel(), this->shape(), "reshape");
  if (view_strides(this->shape(), this->strides(), shape)) return view(shape);
  return contiguous().view(shape);
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  std::vector<int64_t> dims(dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_dim(dim0, dim(), "transpose")], dims[normalize_dim(dim1, dim(), "transpose")]);
  return permute(dims);
}

Tensor Tensor::permute(const std::vector<int64_t>& dims) const {
  check(static_cast<int64_t>(dims.size()) == dim(), "permute", "expected ", dim(), " dims for a tensor of shape ",
        shape_str(shape()), ", got ", dims.size());
  Shape shape(dim());
  Strides strides(dim());
  std::vector<int64_t> inverse(dim(), -1);
  for (int64_t i = 0; i < dim(); ++i) {
    const int64_t d = normalize_dim(dims[i], dim(), "permute");
    check(inverse[d] < 0, "permute", "dim ", d, " appears twice");
    inverse[d] = i;
    shape[i] = this->shape()[d];
    strides[i] = this->strides()[d];
  }
  return view_with_grad("permute", *this, shape, strides, offset(),
                        [inverse](const Tensor& g) { return std::vector<Tensor>{g.permute(inverse)}; });
}

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  d = normalize_dim(d, dim(), "narrow");
  check(start >= 0 && length >= 0 && start + length <= shape()[d], "narrow", "range [", start, ", ",
        start + length, ") is out of bounds for dim ", d, " of size ", shape()[d], " (shape ", shape_str(shape()),
        ")");
  Shape shape = this->shape();
  shape[d] = length;
  return view_with_grad("narrow", *this, shape, strides(), offset() + start * strides()[d],
                        [in = this->shape(), dtype = dtype(), d, start, length](const Tensor& g) {
                          Tensor full = Tensor::zeros(in, dtype, g.device());
                          Tensor window = full.narrow(d, start, length);
                          backend(g.device()).copy(window, g);
                          return std::vector<Tensor>{full};
                        });
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  d = normalize_dim(d, dim(), "select");
  check(index >= -shape()[d] && index < shape()[d], "select", "index ", index, " is out of range for dim ", d,
        " of size ", shape()[d]);
  if (index < 0) index += shape()[d];
  return narrow(d, index, 1).squeeze(d);
}

Tensor Tensor::unsqueeze(int64_t d) const {
  d = normalize_dim(d, dim() + 1, "unsqueeze");
  Shape shape = this->shape();
  Strides strides = this->strides();
  const int64_t stride = d < dim() ? shape[d] * strides[d] : 1;
  shape.insert(shape.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  return view_with_grad("unsqueeze", *this, shape, strides, offset(),
                        [in = this->shape()](const Tensor& g) { return std::vector<Tensor>{g.reshape(in)}; });
}

Tensor Tensor::squeeze(int64_t d) const {
  d = normalize_dim(d, dim(), "squeeze");
  check(shape()[d] == 1, "squeeze", "dim ", d, " has size ", shape()[d], ", not 1 (shape ", shape_str(shape()), ")");
  Shape shape = this->shape();
  Strides strides = this->strides();
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  return view_with_grad("squeeze", *this, shape, strides, offset(),
                        [in = this->shape()](const Tensor& g) { return std::vector<Tensor>{g.reshape(in)}; });
}

Tensor Tensor::expand(const Shape& shape) const {
  check(shape.size() >= this->shape().size(), "expand", "cannot expand ", shape_str(this->shape()), " to fewer dims ",
        shape_str(shape));
  const size_t lead = shape.size() - this->shape().size();
  Strides strides(shape.size(), 0);
  for (size_t i = lead; i < shape.size(); ++i) {
    const int64_t own = this->shape()[i - lead];
    check(own == shape[i] || own == 1, "expand", "cannot expand ", shape_str(this->shape()), " to ", shape_str(shape),
          " (dim ", i, ": ", own, " vs ", shape[i], ")");
    strides[i] = own == shape[i] ? this->strides()[i - lead] : 0;
  }
  return view_with_grad("expand", *this, shape, strides, offset(),
                        [in = this->shape()](const Tensor& g) { return std::vector<Tensor>{sum_to(g, in)}; });
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

Tensor Tensor::clone() const {
  Tensor out = Tensor::empty(shape(), dtype(), device());
  backend(device()).copy(out, *this);
  return record1("clone", out, {*this}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return *this;
  Tensor out = Tensor::empty(shape(), target, device());
  backend(device()).copy(out, *this);
  if (!is_floating(target)) return out;
  return record1("to", out, {*this}, [source = dtype()](const Tensor& g) { return std::vector<Tensor>{g.to(source)}; });
}

Tensor Tensor::to(Device target) const {
  if (target == device()) return *this;
  Backend& destination = backend(target);  // an error naming the device when there is none
  // Through host memory: the source backend writes the dense bytes, the target's reads them.
  const Tensor dense = contiguous();
  std::vector<unsigned char> bytes(numel() * dtype_size(dtype()));
  backend(device()).copy_to_host(bytes.data(), dense);
  Tensor out = Tensor::empty(shape(), dtype(), target);
  destination.copy_from_host(out, bytes.data());
  if (!is_floating(dtype())) return out;
  return record1("to_device", out, {*this},
                 [source = device()](const Tensor& g) { return std::vector<Tensor>{g.to(source)}; });
}

}  // namespace fw
