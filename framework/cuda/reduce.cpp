// The CUDA backend's reductions (sum, mean, L2 norm, max with its index, the one-hot mask,
// softmax, log-sum-exp, the sum of squares) and indexing (gather, scatter-add): the semantics of
// cpu/cpu_backend.cpp. The operands are first made dense in the layout the CPU kernels read:
// x permuted by the plan's perm, i.e. [outer, R, inner] (a view when already dense, else a copy
// by this backend's copy), then the kernels of reduce.cu and index.cu write every output element.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "framework/core/error.h"
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/reduce_kernels.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

// t itself when dense, else a dense copy (an empty tensor is never copied).
Tensor dense(Backend& backend, const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  if (out.numel() > 0) backend.copy(out, t);
  return out;
}

// x as the dense [outer, R, inner] block of `plan` (cpu::reduction_input).
Tensor arranged(Backend& backend, const Tensor& x, const ReductionPlan& plan) {
  return dense(backend, x.detach().permute(plan.perm));
}

RowLayout layout_of(const ReductionPlan& plan) { return {plan.outer, plan.reduced, plan.inner}; }

RowReduce row_reduce(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return RowReduce::Sum;
    case ReduceOp::Mean: return RowReduce::Mean;
    case ReduceOp::L2Norm: break;
  }
  return RowReduce::L2Norm;
}

// A device copy of host int64 values (at least one element, so that its address is a real one).
Tensor device_table(const std::vector<int64_t>& host, Device device, const char* op) {
  Tensor table = Tensor::empty({std::max<int64_t>(static_cast<int64_t>(host.size()), 1)}, DType::Int64, device);
  // From pageable memory: returns once `host` has been read.
  if (!host.empty())
    check_cuda(cudaMemcpyAsync(address(table), host.data(), host.size() * sizeof(int64_t), cudaMemcpyHostToDevice,
                               stream()),
               "cudaMemcpyAsync", op);
  return table;
}

// A dense shape seen as [outer, shape[dim], inner] (cpu/index_kernel.cpp's block_of).
SliceLayout slices_of(const Shape& shape, int64_t dim, int64_t count) {
  SliceLayout s;
  s.rows = shape[dim];
  s.count = count;
  for (int64_t d = 0; d < dim; ++d) s.outer *= shape[d];
  for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d) s.inner *= shape[d];
  return s;
}

// For every target row t < rows, the positions i with index[i] == t in increasing i, as
// [starts (rows + 1) | positions (n)] (a stable counting sort; indices are already in range).
std::vector<int64_t> rows_to_positions(const std::vector<int64_t>& index, int64_t rows) {
  const int64_t n = static_cast<int64_t>(index.size());
  std::vector<int64_t> table(static_cast<std::size_t>(rows + 1 + n), 0);
  for (int64_t t : index) ++table[t + 1];
  for (int64_t t = 0; t < rows; ++t) table[t + 1] += table[t];
  std::vector<int64_t> next(table.begin(), table.begin() + rows);
  for (int64_t i = 0; i < n; ++i) table[rows + 1 + next[index[i]]++] = i;
  return table;
}

}  // namespace

// ---- reductions ------------------------------------------------------------------------------

Tensor CudaBackend::reduce(ReduceOp op, const Tensor& x, const ReductionPlan& plan) {
  DeviceGuard guard(x.device());
  return dispatch_floating(x.dtype(), "reduce", [&]<typename T>() {
    Tensor out = Tensor::empty(plan.keep_shape, x.dtype(), x.device());
    if (out.numel() == 0) return out;
    // With R = 0 nothing is read: every output is the empty reduction (0, nan for the mean).
    const Tensor block = arranged(*this, x, plan);
    reduce_rows<T>(row_reduce(op), layout_of(plan), address_as<const T>(block), address_as<T>(out), "reduce");
    return out;
  });
}

std::pair<Tensor, Tensor> CudaBackend::max_with_index(const Tensor& x, const ReductionPlan& plan) {
  DeviceGuard guard(x.device());
  return dispatch_floating(x.dtype(), "max", [&]<typename T>() {
    Tensor values = Tensor::empty(plan.keep_shape, x.dtype(), x.device());
    Tensor indices = Tensor::empty(plan.keep_shape, DType::Int64, x.device());
    if (values.numel() == 0) return std::pair{values, indices};
    check(plan.reduced >= 1, "max", "cannot reduce over an empty dim (shape ", shape_str(x.shape()), ")");
    const Tensor block = arranged(*this, x, plan);
    max_rows<T>(layout_of(plan), address_as<const T>(block), address_as<T>(values), address_as<int64_t>(indices),
                "max");
    return std::pair{values, indices};
  });
}

Tensor CudaBackend::one_hot(const Tensor& indices, const ReductionPlan& plan, const Shape& shape, DType dtype) {
  DeviceGuard guard(indices.device());
  check(plan.perm.size() == shape.size() && numel(shape) == plan.outer * plan.reduced * plan.inner, "one_hot_along",
        "the plan does not describe a tensor of shape ", shape_str(shape));
  check(indices.dtype() == DType::Int64, "one_hot_along", "expected int64 indices, got ", dtype_name(indices.dtype()));
  return dispatch_floating(dtype, "one_hot_along", [&]<typename T>() {
    // Dense [outer, R, inner] (the plan has one reduced dim, so its layout is `shape` itself).
    Tensor out = Tensor::empty(shape, dtype, indices.device());
    if (out.numel() == 0) return out;
    const Tensor index = dense(*this, indices);
    one_hot_rows<T>(layout_of(plan), address_as<const int64_t>(index), address_as<T>(out), "one_hot");
    return out;
  });
}

Tensor CudaBackend::softmax(const Tensor& x, const ReductionPlan& plan) {
  DeviceGuard guard(x.device());
  return dispatch_floating(x.dtype(), "softmax", [&]<typename T>() {
    // Written in the [outer, R, inner] order, which is x's shape for a one-dim plan (softmax_along).
    Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
    if (out.numel() == 0) return out;
    const Tensor block = arranged(*this, x, plan);
    softmax_rows<T>(layout_of(plan), address_as<const T>(block), address_as<T>(out), "softmax");
    return out;
  });
}

Tensor CudaBackend::logsumexp(const Tensor& x, const ReductionPlan& plan) {
  DeviceGuard guard(x.device());
  return dispatch_floating(x.dtype(), "logsumexp", [&]<typename T>() {
    Tensor out = Tensor::empty(plan.keep_shape, x.dtype(), x.device());
    if (out.numel() == 0) return out;
    // With R = 0 nothing is read: every output is log 0 = -inf, as on the CPU.
    const Tensor block = arranged(*this, x, plan);
    logsumexp_rows<T>(layout_of(plan), address_as<const T>(block), address_as<T>(out), "logsumexp");
    return out;
  });
}

double CudaBackend::sum_of_squares(const Tensor& x) {
  DeviceGuard guard(x.device());
  return dispatch_floating(x.dtype(), "sum_of_squares", [&]<typename T>() {
    const int64_t n = x.numel();
    if (n == 0) return 0.0;
    const Tensor data = dense(*this, x);
    // The CPU's blocks of kSquaresBlock elements, then their sums in block order; the total last.
    const int64_t partials = squares_partials(n);
    Tensor buffer = Tensor::empty({partials + 1}, DType::Float64, x.device());
    double* sums = address_as<double>(buffer);
    sum_of_squares_rows<T>(address_as<const T>(data), n, sums, "sum_of_squares");
    double total = 0.0;
    check_cuda(cudaMemcpyAsync(&total, sums + partials, sizeof(double), cudaMemcpyDeviceToHost, stream()),
               "cudaMemcpyAsync", "sum_of_squares");
    synchronize("sum_of_squares");  // the host reads `total` next
    return total;
  });
}

// ---- indexing --------------------------------------------------------------------------------

Tensor CudaBackend::index_gather(const Tensor& x, int64_t dim, const std::vector<int64_t>& index) {
  DeviceGuard guard(x.device());
  check(dim >= 0 && dim < x.dim(), "index_gather", "dim ", dim, " is out of range for shape ", shape_str(x.shape()));
  return dispatch_all(x.dtype(), "index_gather", [&]<typename T>() {
    const int64_t n = static_cast<int64_t>(index.size());
    Shape shape = x.shape();
    shape[dim] = n;
    Tensor out = Tensor::empty(shape, x.dtype(), x.device());
    if (out.numel() == 0) return out;
    const Tensor src = dense(*this, x.detach());
    const Tensor table = device_table(index, x.device(), "index_gather");
    SliceLayout layout = slices_of(x.shape(), dim, n);
    gather_slices<T>(layout, address_as<const int64_t>(table), address_as<const T>(src), address_as<T>(out),
                     "index_gather");
    return out;
  });
}

Tensor CudaBackend::index_scatter_add(const Tensor& grad, int64_t dim, const std::vector<int64_t>& index,
                                      const Shape& shape) {
  DeviceGuard guard(grad.device());
  check(dim >= 0 && dim < static_cast<int64_t>(shape.size()), "index_scatter_add", "dim ", dim,
        " is out of range for shape ", shape_str(shape));
  return dispatch_floating(grad.dtype(), "index_scatter_add", [&]<typename T>() {
    Tensor out = Tensor::empty(shape, grad.dtype(), grad.device());
    if (out.numel() == 0) return out;
    const int64_t n = static_cast<int64_t>(index.size());
    const SliceLayout layout = slices_of(shape, dim, n);
    const Tensor g = dense(*this, grad.detach());
    const Tensor table = device_table(rows_to_positions(index, layout.rows), grad.device(), "index_scatter_add");
    const int64_t* starts = address_as<const int64_t>(table);
    scatter_add_slices<T>(layout, starts, starts + layout.rows + 1, address_as<const T>(g), address_as<T>(out),
                          "index_scatter_add");
    return out;
  });
}

}  // namespace fw::cuda
