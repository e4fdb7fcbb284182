#include "framework/ops/elementwise.h"

#include <algorithm>
#include <array>
#include <numeric>

#include "framework/autograd/grad_mode.h"
#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/reduce.h"

namespace fw {

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  check(a.dtype() == b.dtype(), op, "dtype mismatch: ", dtype_name(a.dtype()), " ", shape_str(a.shape()), " vs ",
        dtype_name(b.dtype()), " ", shape_str(b.shape()));
  check(a.device() == b.device(), op, "device mismatch: ", a.device().str(), " vs ", b.device().str());
}

void check_floating(const char* op, const Tensor& t) {
  check(is_floating(t.dtype()), op, "expected a float32 or float64 tensor, got ", dtype_name(t.dtype()));
}

Tensor apply_elementwise(const char* op, ElementwiseOp code, std::initializer_list<Tensor> inputs, double scalar) {
  const Tensor& first = *inputs.begin();
  Shape shape = first.shape();
  for (const Tensor& t : inputs) {
    check(t.dtype() == first.dtype(), op, "dtype mismatch: ", dtype_name(first.dtype()), " ",
          shape_str(first.shape()), " vs ", dtype_name(t.dtype()), " ", shape_str(t.shape()));
    check(t.device() == first.device(), op, "device mismatch: ", first.device().str(), " vs ", t.device().str());
    shape = broadcast_shapes(shape, t.shape(), op);
  }
  check_floating(op, first);
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  backend(first.device()).elementwise(code, out, std::span<const Tensor>(inputs.begin(), inputs.size()), scalar);
  return out;
}

namespace {

using E = ElementwiseOp;

Tensor binary_forward(const char* op, ElementwiseOp code, const Tensor& a, const Tensor& b) {
  check_same_dtype(op, a, b);
  return apply_elementwise(op, code, {a, b});
}

void check_in_place(const char* op, const Tensor& a) {
  check(!(grad_enabled() && a.requires_grad()), op,
        "cannot modify a tensor that requires grad in place while grad mode is on "
        "(use a NoGradGuard, e.g. in an optimiser step)");
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("add", E::Add, a, b);
  return record1("add", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(g, sb)};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("sub", E::Sub, a, b);
  return record1("sub", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(neg(g), sb)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("mul", E::Mul, a, b);
  return record1("mul", out, {a, b}, [a = a.detach(), b = b.detach()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g * b, a.shape()), sum_to(g * a, b.shape())};
  }, {a, b});
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("div", E::Div, a, b);
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -out/b
  return record1("div", out, {a, b}, [b = b.detach(), out = out.detach(), sa = a.shape()](const Tensor& g) {
    const Tensor g_over_b = g / b;
    return std::vector<Tensor>{sum_to(g_over_b, sa), sum_to(neg(g_over_b * out), b.shape())};
  }, {b, out});
}

Tensor neg(const Tensor& a) {
  Tensor out = apply_elementwise("neg", E::Neg, {a});
  return record1("neg", out, {a}, [](const Tensor& g) { return std::vector<Tensor>{neg(g)}; });
}

Tensor add(const Tensor& a, double s) {
  Tensor out = apply_elementwise("add_scalar", E::AddScalar, {a}, s);
  return record1("add_scalar", out, {a}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

Tensor mul(const Tensor& a, double s) {
  Tensor out = apply_elementwise("mul_scalar", E::MulScalar, {a}, s);
  return record1("mul_scalar", out, {a}, [s](const Tensor& g) { return std::vector<Tensor>{g * s}; });
}

Tensor rsub(const Tensor& a, double s) {
  Tensor out = apply_elementwise("rsub_scalar", E::RSubScalar, {a}, s);
  return record1("rsub_scalar", out, {a}, [](const Tensor& g) { return std::vector<Tensor>{neg(g)}; });
}

Tensor rdiv(const Tensor& a, double s) {
  Tensor out = apply_elementwise("rdiv_scalar", E::RDivScalar, {a}, s);
  // d(s/a)/da = -s/a² = -out/a
  return record1("rdiv_scalar", out, {a}, [a = a.detach(), out = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{neg(g * out / a)};
  }, {a, out});
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const int64_t rank = grad.dim(), lead = rank - static_cast<int64_t>(shape.size());
  check(lead >= 0, "sum_to", "cannot reduce shape ", shape_str(grad.shape()), " to the longer ", shape_str(shape));
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < rank; ++d) {
    const bool leading = d < lead;
    check(leading || shape[d - lead] == grad.shape()[d] || shape[d - lead] == 1, "sum_to", "shape ",
          shape_str(grad.shape()), " does not broadcast from ", shape_str(shape));
    if (leading || (shape[d - lead] == 1 && grad.shape()[d] != 1)) dims.push_back(d);
  }
  return sum(grad, dims, /*keepdim=*/true).reshape(shape);
}

void add_(Tensor& a, const Tensor& b) { add_scaled_(a, b, 1.0); }

void add_scaled_(Tensor& a, const Tensor& b, double scale) {
  check_in_place("add_", a);
  check_same_dtype("add_", a, b);
  check(broadcast_shapes(a.shape(), b.shape(), "add_") == a.shape(), "add_", "cannot add shape ",
        shape_str(b.shape()), " into shape ", shape_str(a.shape()));
  check_floating("add_", a);
  Backend& device = backend(a.device());
  Tensor dense = a.is_contiguous() ? a : a.contiguous();
  const std::array<Tensor, 2> inputs{dense.detach(), b};
  device.elementwise(E::AddScaled, dense, inputs, scale);
  if (!dense.shares_storage_with(a)) device.copy(a, dense);
  a.storage()->bump_version();
}

void mul_(Tensor& a, double s) {
  check_in_place("mul_", a);
  check_floating("mul_", a);
  Backend& device = backend(a.device());
  Tensor dense = a.is_contiguous() ? a : a.contiguous();
  const std::array<Tensor, 1> inputs{dense.detach()};
  device.elementwise(E::MulScalar, dense, inputs, s);
  if (!dense.shares_storage_with(a)) device.copy(a, dense);
  a.storage()->bump_version();
}

void copy_(Tensor& dst, const Tensor& src) {
  check_in_place("copy_", dst);
  check(broadcast_shapes(dst.shape(), src.shape(), "copy_") == dst.shape(), "copy_", "cannot copy shape ",
        shape_str(src.shape()), " into shape ", shape_str(dst.shape()));
  backend(common_device("copy_", {&dst, &src})).copy(dst, src);
  dst.storage()->bump_version();
}

void fill_(Tensor& t, double value) {
  check_in_place("fill_", t);
  backend(t.device()).fill(t, value);
  t.storage()->bump_version();
}

}  // namespace fw
