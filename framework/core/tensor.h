#pragma once
// Tensor: a handle to (storage, shape, strides, offset, dtype) plus the autograd fields.
// Copying a Tensor copies the handle, not the data (like a PyTorch tensor in Python).
// Views (reshape, transpose, narrow, expand, ...) share the storage and differ only in
// shape/strides/offset; `contiguous()` makes a dense copy when a view is not dense.
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <vector>

#include "framework/core/device.h"
#include "framework/core/dtype.h"
#include "framework/core/shape.h"
#include "framework/core/storage.h"

namespace fw {

class Node;
class Generator;

// The data behind a Tensor handle. Only the framework touches it directly.
struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;

  // Autograd. A leaf has no grad_fn; a leaf with requires_grad receives .grad in backward().
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;  // the op that produced this tensor (non-leaf only)
  int output_nr = 0;              // which output of grad_fn this tensor is
  std::weak_ptr<Node> grad_accumulator;  // leaf only: the node that adds into .grad
};

class Tensor {
 public:
  Tensor() = default;  // undefined (no data); `defined()` is false
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- creation -------------------------------------------------------------------------
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor ones(const Shape& shape, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor full(const Shape& shape, double value, DType dtype = DType::Float32,
                     Device device = Device::cpu());
  static Tensor scalar(double value, DType dtype = DType::Float32);
  // Copies `values` (row-major) into a new tensor of `shape`; the dtype follows T.
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape);
  static Tensor arange(int64_t n, DType dtype = DType::Int64);
  // Seeded random tensors; the same generator state gives the same numbers on every run.
  static Tensor uniform(const Shape& shape, double low, double high, Generator& gen,
                        DType dtype = DType::Float32);
  static Tensor normal(const Shape& shape, double mean, double stddev, Generator& gen,
                       DType dtype = DType::Float32);

  // ---- metadata -------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  const Strides& strides() const { return impl().strides; }
  int64_t offset() const { return impl().offset; }
  int64_t dim() const { return static_cast<int64_t>(impl().shape.size()); }
  int64_t size(int64_t dim) const;  // dim may be negative
  int64_t numel() const { return fw::numel(impl().shape); }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return impl().storage; }
  bool shares_storage_with(const Tensor& other) const { return storage() == other.storage(); }

  // ---- element access (CPU) -------------------------------------------------------------
  // Pointer to the first element (storage + offset). T must match the dtype.
  template <typename T> T* data() const;
  // The value of a one-element tensor, converted to double.
  double item() const;
  // All elements in row-major order, converted to T.
  template <typename T> std::vector<T> to_vector() const;
  // One element by multi-index, converted to double.
  double at(const std::vector<int64_t>& index) const;

  // ---- conversion / copies --------------------------------------------------------------
  Tensor to(DType dtype) const;     // differentiable between float types
  Tensor to(Device device) const;   // a copy on `device` (itself when already there); differentiable
  Tensor contiguous() const;        // differentiable; returns *this when already dense
  Tensor clone() const;             // differentiable dense copy

  // ---- views (differentiable; share storage) -------------------------------------------
  Tensor reshape(const Shape& shape) const;  // a view when possible, else a copy; one dim may be -1
  Tensor view(const Shape& shape) const;     // a view or an error
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor select(int64_t dim, int64_t index) const;  // narrow + squeeze
  Tensor unsqueeze(int64_t dim) const;
  Tensor squeeze(int64_t dim) const;
  Tensor expand(const Shape& shape) const;  // size-1 dims broadcast with stride 0

  // ---- autograd -------------------------------------------------------------------------
  bool requires_grad() const { return impl().requires_grad; }
  // Marks a leaf as a parameter/input whose gradient backward() should compute.
  Tensor& set_requires_grad(bool value = true);
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }
  int output_nr() const { return impl().output_nr; }
  // Accumulated gradient of a leaf (undefined until a backward pass reaches it).
  Tensor grad() const;
  void set_grad(const Tensor& grad) const;
  void zero_grad() const;  // drops .grad
  // Same data, cut from the graph: no grad_fn, requires_grad false.
  Tensor detach() const;
  // Reverse-mode differentiation from this tensor. Without `grad`, the tensor must hold one
  // element and the seed is 1. The graph is freed afterwards unless retain_graph is true.
  void backward(const Tensor& grad = Tensor(), bool retain_graph = false) const;

  TensorImpl& impl() const;
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// A tensor header over existing storage (used by views and kernels).
Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset);

std::ostream& operator<<(std::ostream& out, const Tensor& t);

}  // namespace fw
