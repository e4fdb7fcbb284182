#include "framework/core/tensor.h"

#include <cmath>
#include <iomanip>
#include <ostream>

#include "framework/autograd/engine.h"
#include "framework/autograd/node.h"
#include "framework/core/random.h"
#include "framework/cpu/strided_loop.h"

namespace fw {

TensorImpl& Tensor::impl() const {
  check(impl_ != nullptr, "Tensor", "use of an undefined tensor");
  return *impl_;
}

// ---- creation -------------------------------------------------------------------------------

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t s : shape) check(s >= 0, "Tensor::empty", "negative size in shape ", shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(fw::numel(shape) * dtype_size(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(impl);
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  cpu::fill(t, value);
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor Tensor::ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }
Tensor Tensor::scalar(double value, DType dtype) { return full({}, value, dtype); }

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape) {
  check(static_cast<int64_t>(values.size()) == fw::numel(shape), "Tensor::from_vector", values.size(),
        " values cannot fill a tensor of shape ", shape_str(shape), " (", fw::numel(shape), " elements)");
  Tensor t = empty(shape, dtype_of<T>::value);
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}
template Tensor Tensor::from_vector(const std::vector<float>&, const Shape&);
template Tensor Tensor::from_vector(const std::vector<double>&, const Shape&);
template Tensor Tensor::from_vector(const std::vector<int64_t>&, const Shape&);

Tensor Tensor::arange(int64_t n, DType dtype) {
  Tensor t = empty({n}, dtype);
  dispatch_all(dtype, "arange", [&]<typename T>() {
    T* data = t.data<T>();
    for (int64_t i = 0; i < n; ++i) data[i] = static_cast<T>(i);
  });
  return t;
}

Tensor Tensor::uniform(const Shape& shape, double low, double high, Generator& gen, DType dtype) {
  Tensor t = empty(shape, dtype);
  dispatch_floating(dtype, "uniform", [&]<typename T>() {
    T* data = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) data[i] = static_cast<T>(gen.uniform(low, high));
  });
  return t;
}

Tensor Tensor::normal(const Shape& shape, double mean, double stddev, Generator& gen, DType dtype) {
  Tensor t = empty(shape, dtype);
  dispatch_floating(dtype, "normal", [&]<typename T>() {
    T* data = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) data[i] = static_cast<T>(mean + stddev * gen.normal());
  });
  return t;
}

// ---- metadata and access ------------------------------------------------------------------

int64_t Tensor::size(int64_t d) const { return shape()[normalize_dim(d, dim(), "size")]; }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    if (shape()[d] != 1 && strides()[d] != expected) return false;
    expected *= shape()[d];
  }
  return true;
}

template <typename T>
T* Tensor::data() const {
  check(dtype() == dtype_of<T>::value, "Tensor::data", "the tensor holds ", dtype_name(dtype()),
        ", not ", dtype_name(dtype_of<T>::value));
  return static_cast<T*>(impl().storage->data()) + impl().offset;
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template int64_t* Tensor::data<int64_t>() const;

template <typename T>
std::vector<T> Tensor::to_vector() const {
  Tensor dense = Tensor::empty(shape(), dtype_of<T>::value);
  cpu::copy_into(dense, *this);
  const T* p = dense.data<T>();
  return std::vector<T>(p, p + numel());
}
template std::vector<float> Tensor::to_vector() const;
template std::vector<double> Tensor::to_vector() const;
template std::vector<int64_t> Tensor::to_vector() const;

double Tensor::item() const {
  check(numel() == 1, "item", "expected a one-element tensor, got shape ", shape_str(shape()));
  return dispatch_all(dtype(), "item", [&]<typename T>() { return static_cast<double>(*data<T>()); });
}

double Tensor::at(const std::vector<int64_t>& index) const {
  check(static_cast<int64_t>(index.size()) == dim(), "at", "expected ", dim(), " indices, got ", index.size());
  int64_t offset = 0;
  for (int64_t d = 0; d < dim(); ++d) {
    check(index[d] >= 0 && index[d] < shape()[d], "at", "index ", index[d], " is out of range for dim ", d,
          " of size ", shape()[d]);
    offset += index[d] * strides()[d];
  }
  return dispatch_all(dtype(), "at", [&]<typename T>() { return static_cast<double>(data<T>()[offset]); });
}

// ---- autograd fields ----------------------------------------------------------------------

Tensor& Tensor::set_requires_grad(bool value) {
  // The op's name is read only when there is one (check() evaluates all its arguments).
  if (!is_leaf())
    throw Error(detail::concat("set_requires_grad: only leaf tensors can be marked; this one was computed by op '",
                               grad_fn()->name(), "' (use detach() to make a leaf)"));
  check(!value || is_floating(dtype()), "set_requires_grad", "an ", dtype_name(dtype()),
        " tensor cannot require grad");
  impl().requires_grad = value;
  return *this;
}

Tensor Tensor::grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }

void Tensor::set_grad(const Tensor& grad) const {
  check(!grad.defined() || grad.shape() == shape(), "set_grad", "gradient of shape ", shape_str(grad.shape()),
        " for a tensor of shape ", shape_str(shape()));
  impl().grad = grad.defined() ? grad.impl_ptr() : nullptr;
}

void Tensor::zero_grad() const { impl().grad.reset(); }

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = this->impl().storage;
  impl->shape = shape();
  impl->strides = strides();
  impl->offset = offset();
  impl->dtype = dtype();
  return Tensor(impl);
}

void Tensor::backward(const Tensor& grad, bool retain_graph) const { run_backward(*this, grad, retain_graph); }

Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(impl);
}

// ---- printing -----------------------------------------------------------------------------

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  if (!t.defined()) return out << "Tensor(undefined)";
  out << "Tensor(" << dtype_name(t.dtype()) << ", " << shape_str(t.shape());
  if (t.grad_fn()) out << ", grad_fn=" << t.grad_fn()->name();
  else if (t.requires_grad()) out << ", requires_grad";
  out << ")";
  if (t.numel() <= 64) {
    out << " {";
    const std::vector<double> values = t.to_vector<double>();
    for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << std::setprecision(6) << values[i];
    out << "}";
  }
  return out;
}

}  // namespace fw
