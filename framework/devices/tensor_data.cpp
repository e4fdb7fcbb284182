// The Tensor members that create or read elements: they go through the device's backend, so
// they work for tensors on any device (declared in core/tensor.h).
#include <vector>

#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "framework/devices/devices.h"

namespace fw {

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  backend(device).fill(t, value);
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
  backend(t.device()).copy_from_host(t, values.data());
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
  check(is_floating(dtype), "uniform", "expected a float32 or float64 tensor, got ", dtype_name(dtype));
  Tensor t = empty(shape, dtype);
  backend(t.device()).fill_uniform(t, low, high, gen);
  return t;
}

Tensor Tensor::normal(const Shape& shape, double mean, double stddev, Generator& gen, DType dtype) {
  check(is_floating(dtype), "normal", "expected a float32 or float64 tensor, got ", dtype_name(dtype));
  Tensor t = empty(shape, dtype);
  backend(t.device()).fill_normal(t, mean, stddev, gen);
  return t;
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  Backend& device = backend(this->device());
  Tensor dense = Tensor::empty(shape(), dtype_of<T>::value, this->device());
  device.copy(dense, *this);
  std::vector<T> values(numel());
  device.copy_to_host(values.data(), dense);
  return values;
}
template std::vector<float> Tensor::to_vector() const;
template std::vector<double> Tensor::to_vector() const;
template std::vector<int64_t> Tensor::to_vector() const;

double Tensor::item() const {
  check(numel() == 1, "item", "expected a one-element tensor, got shape ", shape_str(shape()));
  return to_vector<double>()[0];
}

double Tensor::at(const std::vector<int64_t>& index) const {
  check(static_cast<int64_t>(index.size()) == dim(), "at", "expected ", dim(), " indices, got ", index.size());
  int64_t offset = 0;
  for (int64_t d = 0; d < dim(); ++d) {
    check(index[d] >= 0 && index[d] < shape()[d], "at", "index ", index[d], " is out of range for dim ", d,
          " of size ", shape()[d]);
    offset += index[d] * strides()[d];
  }
  return make_view(*this, {}, {}, this->offset() + offset).item();
}

}  // namespace fw
