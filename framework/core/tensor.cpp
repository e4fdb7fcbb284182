#include "framework/core/tensor.h"



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
  check(device().is_cpu(), "Tensor::data", "the tensor is on ", device().str(),
        "; its elements can be read only on the CPU (copy it with .to(Device::cpu()))");
  check(dtype() == dtype_of<T>::value, "Tensor::data", "the tensor holds ", dtype_name(dtype()),
        ", not ", dtype_name(dtype_of<T>::value));
  return static_cast<T*>(impl().storage->data()) + impl().offset;
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template int64_t* Tensor::data<int64_t>() const;

// ---- autograd fields ----------------------------------------------------------------------

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

Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(impl);
}

}  // namespace fw
