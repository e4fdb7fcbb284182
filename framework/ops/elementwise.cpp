#include "framework/ops/elementwise.h"

#include <algorithm>
#include <numeric>

#include "framework/autograd/grad_mode.h"
#include "framework/autograd/node.h"
#include "framework/cpu/strided_loop.h"
#include "framework/ops/reduce.h"

namespace fw {

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  check(a.dtype() == b.dtype(), op, "dtype mismatch: ", dtype_name(a.dtype()), " ", shape_str(a.shape()), " vs ",
        dtype_name(b.dtype()), " ", shape_str(b.shape()));
  check(a.device() == b.device(), op, "device mismatch: ", a.device().str(), " vs ", b.device().str());
}

namespace {

// out = f(a, b) elementwise over the broadcast shape.
template <typename F>
Tensor binary_forward(const char* op, const Tensor& a, const Tensor& b, F f) {
  check_same_dtype(op, a, b);
  Tensor out = Tensor::empty(broadcast_shapes(a.shape(), b.shape(), op), a.dtype());
  dispatch_floating(a.dtype(), op, [&]<typename T>() {
    cpu::map_elements<T, T, 2>(out, {a, b}, [&](T x, T y) { return static_cast<T>(f(x, y)); });
  });
  return out;
}

template <typename F>
Tensor unary_forward(const char* op, const Tensor& a, F f) {
  Tensor out = Tensor::empty(a.shape(), a.dtype());
  dispatch_floating(a.dtype(), op, [&]<typename T>() {
    cpu::map_elements<T, T, 1>(out, {a}, [&](T x) { return static_cast<T>(f(x)); });
  });
  return out;
}

void check_in_place(const char* op, const Tensor& a) {
  check(!(grad_enabled() && a.requires_grad()), op,
        "cannot modify a tensor that requires grad in place while grad mode is on "
        "(use a NoGradGuard, e.g. in an optimiser step)");
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("add", a, b, [](auto x, auto y) { return x + y; });
  return record1("add", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(g, sb)};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("sub", a, b, [](auto x, auto y) { return x - y; });
  return record1("sub", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(neg(g), sb)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("mul", a, b, [](auto x, auto y) { return x * y; });
  return record1("mul", out, {a, b}, [a = a.detach(), b = b.detach()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g * b, a.shape()), sum_to(g * a, b.shape())};
  });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward("div", a, b, [](auto x, auto y) { return x / y; });
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -out/b
  return record1("div", out, {a, b}, [b = b.detach(), out = out.detach(), sa = a.shape()](const Tensor& g) {
    const Tensor g_over_b = g / b;
    return std::vector<Tensor>{sum_to(g_over_b, sa), sum_to(neg(g_over_b * out), b.shape())};
  });
}

Tensor neg(const Tensor& a) {
  Tensor out = unary_forward("neg", a, [](auto x) { return -x; });
  return record1("neg", out, {a}, [](const Tensor& g) { return std::vector<Tensor>{neg(g)}; });
}

Tensor add(const Tensor& a, double s) {
  Tensor out = unary_forward("add_scalar", a, [s](auto x) { return x + s; });
  return record1("add_scalar", out, {a}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

Tensor mul(const Tensor& a, double s) {
  Tensor out = unary_forward("mul_scalar", a, [s](auto x) { return x * s; });
  return record1("mul_scalar", out, {a}, [s](const Tensor& g) { return std::vector<Tensor>{g * s}; });
}

Tensor rsub(const Tensor& a, double s) {
  Tensor out = unary_forward("rsub_scalar", a, [s](auto x) { return s - x; });
  return record1("rsub_scalar", out, {a}, [](const Tensor& g) { return std::vector<Tensor>{neg(g)}; });
}

Tensor rdiv(const Tensor& a, double s) {
  Tensor out = unary_forward("rdiv_scalar", a, [s](auto x) { return s / x; });
  // d(s/a)/da = -s/a² = -out/a
  return record1("rdiv_scalar", out, {a}, [a = a.detach(), out = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{neg(g * out / a)};
  });
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
  Tensor dense = a.is_contiguous() ? a : a.contiguous();
  dispatch_floating(a.dtype(), "add_", [&]<typename T>() {
    const T s = static_cast<T>(scale);
    cpu::map_elements<T, T, 2>(dense, {dense.detach(), b}, [s](T x, T y) { return x + s * y; });
  });
  if (!dense.shares_storage_with(a)) cpu::copy_into(a, dense);
}

void mul_(Tensor& a, double s) {
  check_in_place("mul_", a);
  Tensor dense = a.is_contiguous() ? a : a.contiguous();
  dispatch_floating(a.dtype(), "mul_", [&]<typename T>() {
    cpu::map_elements<T, T, 1>(dense, {dense.detach()}, [s](T x) { return static_cast<T>(x * s); });
  });
  if (!dense.shares_storage_with(a)) cpu::copy_into(a, dense);
}

void copy_(Tensor& dst, const Tensor& src) {
  check_in_place("copy_", dst);
  check(broadcast_shapes(dst.shape(), src.shape(), "copy_") == dst.shape(), "copy_", "cannot copy shape ",
        shape_str(src.shape()), " into shape ", shape_str(dst.shape()));
  cpu::copy_into(dst, src);
}

void fill_(Tensor& t, double value) {
  check_in_place("fill_", t);
  cpu::fill(t, value);
}

}  // namespace fw
