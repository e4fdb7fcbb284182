// The CUDA backend's copies, fills, elementwise formulas, where and optimiser updates: the
// argument checks and the operands' layout on the host, the kernels in elementwise.cu. Semantics
// are the CPU's (cpu/copy.cpp, cpu/strided_loop.h, cpu/where_kernel.h, cpu_backend.cpp): inputs
// broadcast NumPy-style to the output's shape with any strides, conversions as static_cast.
#include <array>
#include <cstddef>
#include <vector>

#include "framework/core/error.h"
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/elementwise_kernels.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

// The strides of `t` seen from `shape` (cpu::broadcast_strides: trailing dims aligned, 0 where a
// size-1 dim is broadcast, leading missing dims 0). Unlike the CPU, which assumes it, the shapes
// are checked to broadcast.
Strides broadcast_strides(const Tensor& t, const Shape& shape, const char* op) {
  const std::size_t rank = shape.size(), own = t.shape().size();
  check(own <= rank, op, "cannot broadcast shape ", shape_str(t.shape()), " to ", shape_str(shape));
  Strides strides(rank, 0);
  for (std::size_t i = 0; i < own; ++i) {
    const std::size_t d = rank - own + i;
    check(t.shape()[i] == shape[d] || t.shape()[i] == 1, op, "cannot broadcast shape ", shape_str(t.shape()),
          " to ", shape_str(shape));
    strides[d] = t.shape()[i] == 1 && shape[d] != 1 ? 0 : t.strides()[i];
  }
  return strides;
}

// The kernels' description of operands walking `shape` (operand k at strides[k], aligned to
// shape). Size-1 dims are dropped (their index is always 0) and an outer dim d is merged into
// the next kept inner dim e when every operand has stride[d] = stride[e] · size[e]: then
// index_d · stride[d] + index_e · stride[e] = (index_d · size[e] + index_e) · stride[e], one dim of
// size[d] · size[e] walked in the same row-major order. A dense tensor becomes one dim of stride 1.
template <std::size_t N>
StridedLayout make_layout(const Shape& shape, const std::array<Strides, N>& strides, const char* op) {
  static_assert(N <= kMaxOperands);
  struct Dim {
    int64_t size;
    std::array<int64_t, N> stride;
  };
  StridedLayout layout;
  layout.numel = numel(shape);
  if (layout.numel == 0) return layout;  // nothing to walk (the launchers launch nothing)
  std::vector<Dim> dims;  // outermost first
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    Dim dim{shape[d], {}};
    for (std::size_t k = 0; k < N; ++k) dim.stride[k] = strides[k][d];
    bool mergeable = !dims.empty();
    for (std::size_t k = 0; k < N && mergeable; ++k)
      mergeable = dims.back().stride[k] == dim.stride[k] * dim.size;
    if (mergeable) {
      dims.back().size *= dim.size;
      dims.back().stride = dim.stride;
    } else {
      dims.push_back(dim);
    }
  }
  check(dims.size() <= static_cast<std::size_t>(kMaxRank), op, "the CUDA backend walks at most ", kMaxRank,
        " dims, but shape ", shape_str(shape), " with these strides needs ", dims.size());
  layout.ndim = static_cast<int>(dims.size());
  layout.dense = dims.size() <= 1;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    layout.sizes[d] = dims[d].size;
    for (std::size_t k = 0; k < N; ++k) {
      layout.strides[k][d] = dims[d].stride[k];
      layout.dense = layout.dense && dims[d].stride[k] == 1;
    }
  }
  return layout;
}

void check_device(const Tensor& t, const Tensor& reference, const char* op, const char* what) {
  check(t.device() == reference.device(), op, what, " is on ", t.device().str(), ", not ", reference.device().str());
}

void check_dtype(const Tensor& t, DType dtype, const char* op, const char* what) {
  check(t.dtype() == dtype, op, what, " holds ", dtype_name(t.dtype()), ", not ", dtype_name(dtype));
}

void check_dense(const Tensor& t, const char* op, const char* what) {
  check(t.is_contiguous(), op, what, " must be dense (contiguous)");
}

// An optimiser operand: dense, of the parameter's dtype, numel and device.
void check_state(const Tensor& t, const Tensor& param, const char* op, const char* what) {
  check_device(t, param, op, what);
  check_dtype(t, param.dtype(), op, what);
  check_dense(t, op, what);
  check(t.numel() == param.numel(), op, what, " has ", t.numel(), " elements, the parameter ", param.numel());
}

}  // namespace

// ---- copies and fills ------------------------------------------------------------------------

void CudaBackend::copy(Tensor& dst, const Tensor& src) {
  DeviceGuard guard(dst.device());
  check_device(src, dst, "copy", "the source");
  const StridedLayout layout =
      make_layout<2>(dst.shape(), {dst.strides(), broadcast_strides(src, dst.shape(), "copy")}, "copy");
  if (layout.numel == 0) return;
  dispatch_all(dst.dtype(), "copy", [&]<typename TDst>() {
    dispatch_all(src.dtype(), "copy", [&]<typename TSrc>() {
      launch_copy<TDst, TSrc>(address_as<TDst>(dst), address_as<const TSrc>(src), layout);
    });
  });
}

void CudaBackend::fill(Tensor& t, double value) {
  DeviceGuard guard(t.device());
  const StridedLayout layout = make_layout<1>(t.shape(), {t.strides()}, "fill");
  if (layout.numel == 0) return;
  // The value is converted here, on the host, exactly as cpu::fill converts it.
  dispatch_all(t.dtype(), "fill",
               [&]<typename T>() { launch_fill<T>(address_as<T>(t), static_cast<T>(value), layout); });
}

// ---- elementwise -----------------------------------------------------------------------------

void CudaBackend::elementwise(ElementwiseOp op, Tensor& out, std::span<const Tensor> inputs, double scalar) {
  DeviceGuard guard(out.device());
  const char* name = elementwise_name(op);
  const std::size_t arity = static_cast<std::size_t>(elementwise_arity(op));
  check(inputs.size() == arity, "elementwise", name, " takes ", arity, " inputs, got ", inputs.size());
  dispatch_floating(out.dtype(), name, [&]<typename T>() {
    check_dense(out, name, "the output");
    // Operand 0 is out, operands 1.. the inputs; unused slots (arity < 4) are never read and take
    // out's strides, so that they merge as out does and a dense case stays dense.
    std::array<Strides, kMaxOperands> strides;
    strides.fill(out.strides());
    strides[0] = out.strides();
    for (std::size_t k = 0; k < arity; ++k) {
      check_device(inputs[k], out, name, "an input");
      check_dtype(inputs[k], out.dtype(), name, "an input");  // map_elements<T, T, N> reads every input as T
      strides[k + 1] = broadcast_strides(inputs[k], out.shape(), name);
    }
    const StridedLayout layout = make_layout<kMaxOperands>(out.shape(), strides, name);
    if (layout.numel == 0) return;
    std::array<const T*, kMaxOperands - 1> data{};
    for (std::size_t k = 0; k < arity; ++k) data[k] = address_as<const T>(inputs[k]);
    launch_elementwise<T>(op, address_as<T>(out), data.data(), scalar, layout);
  });
}

void CudaBackend::where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  DeviceGuard guard(out.device());
  dispatch_floating(out.dtype(), "where", [&]<typename T>() {
    check_dense(out, "where", "the output");
    check_device(cond, out, "where", "the condition");
    check_device(a, out, "where", "a");
    check_device(b, out, "where", "b");
    check_dtype(a, out.dtype(), "where", "a");
    check_dtype(b, out.dtype(), "where", "b");
    const Shape& shape = out.shape();
    const StridedLayout layout = make_layout<4>(
        shape,
        {out.strides(), broadcast_strides(cond, shape, "where"), broadcast_strides(a, shape, "where"),
         broadcast_strides(b, shape, "where")},
        "where");
    if (layout.numel == 0) return;
    dispatch_all(cond.dtype(), "where", [&]<typename C>() {
      launch_where<T, C>(address_as<T>(out), address_as<const C>(cond), address_as<const T>(a),
                         address_as<const T>(b), layout);
    });
  });
}

// ---- optimiser updates -----------------------------------------------------------------------

void CudaBackend::sgd_update(Tensor& param, const Tensor& grad, Tensor* momentum_buffer, const SgdStep& step) {
  DeviceGuard guard(param.device());
  dispatch_floating(param.dtype(), "SGD", [&]<typename T>() {
    check_dense(param, "SGD", "the parameter");
    check_state(grad, param, "SGD", "the gradient");
    if (momentum_buffer) check_state(*momentum_buffer, param, "SGD", "the momentum buffer");
    if (param.numel() == 0) return;
    launch_sgd<T>(address_as<T>(param), address_as<const T>(grad),
                  momentum_buffer ? address_as<T>(*momentum_buffer) : nullptr, param.numel(), step);
  });
}

void CudaBackend::adam_update(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                              const AdamStep& step) {
  DeviceGuard guard(param.device());
  dispatch_floating(param.dtype(), "Adam", [&]<typename T>() {
    check_dense(param, "Adam", "the parameter");
    check_state(grad, param, "Adam", "the gradient");
    check_state(exp_avg, param, "Adam", "exp_avg");
    check_state(exp_avg_sq, param, "Adam", "exp_avg_sq");
    if (param.numel() == 0) return;
    launch_adam<T>(address_as<T>(param), address_as<const T>(grad), address_as<T>(exp_avg),
                   address_as<T>(exp_avg_sq), param.numel(), step);
  });
}

}  // namespace fw::cuda
