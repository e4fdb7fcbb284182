// matmul and bmm: shape checks and broadcasting here, the products in the device backend
// (on the CPU: OpenBLAS, cpu/gemm).
#include "framework/ops/linalg.h"

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"

namespace fw {

namespace {

int64_t batch_of(const Tensor& t) { return t.dim() == 3 ? t.shape()[0] : 1; }

// The output shape, after checking ranks, dtypes, inner dims and batch sizes.
Shape product_shape(const char* op, const Tensor& a, const Tensor& b) {
  check((a.dim() == 2 || a.dim() == 3) && (b.dim() == 2 || b.dim() == 3), op,
        "expected 2-D or 3-D operands, got a ", shape_str(a.shape()), " and b ", shape_str(b.shape()));
  check_same_dtype(op, a, b);
  const int64_t m = a.size(-2), k = a.size(-1), kb = b.size(-2), n = b.size(-1);
  check(k == kb, op, "inner dimensions differ: a is ", shape_str(a.shape()), ", b is ", shape_str(b.shape()), " (",
        k, " vs ", kb, ")");
  const int64_t ba = batch_of(a), bb = batch_of(b);
  check(ba == bb || ba == 1 || bb == 1, op, "batch sizes differ: a is ", shape_str(a.shape()), ", b is ",
        shape_str(b.shape()), " (", ba, " vs ", bb, ")");
  if (a.dim() == 2 && b.dim() == 2) return {m, n};
  return {std::max(ba, bb), m, n};
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  const Shape shape = product_shape("matmul", a, b);
  check_floating("matmul", a);
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  backend(a.device()).matmul(out, a, b);
  // C = A B: dA = dC Bᵀ, dB = Aᵀ dC, summed over the batch where an operand was broadcast.
  // The transposes are views, which BLAS reads through its transpose flag.
  return record1("matmul", out, {a, b},
                 [a = a.detach(), b = b.detach(), need_a = a.requires_grad(),
                  need_b = b.requires_grad()](const Tensor& g) {
                   Tensor ga, gb;
                   if (need_a) ga = sum_to(matmul(g, b.transpose(-1, -2)), a.shape());
                   if (need_b) gb = sum_to(matmul(a.transpose(-1, -2), g), b.shape());
                   return std::vector<Tensor>{ga, gb};
                 }, {a, b});
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  check(a.dim() == 3 && b.dim() == 3, "bmm", "expected 3-D operands, got a ", shape_str(a.shape()), " and b ",
        shape_str(b.shape()));
  check(a.shape()[0] == b.shape()[0], "bmm", "batch sizes differ: a is ", shape_str(a.shape()), ", b is ",
        shape_str(b.shape()), " (", a.shape()[0], " vs ", b.shape()[0], ")");
  return matmul(a, b);
}

}  // namespace fw
