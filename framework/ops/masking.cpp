// masked_fill and where: elementwise selection by a condition (nonzero = true). The gradient
// flows only to the operand that was selected at each position.
#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/indexing.h"

namespace fw {

namespace {

// cond ? a : b over `shape` (all three broadcast to it), a and b of dtype `dtype`.
Tensor select_by(const Tensor& cond, const Tensor& a, const Tensor& b, const Shape& shape, DType dtype,
                 const char* op) {
  check(is_floating(dtype), op, "expected a float32 or float64 tensor, got ", dtype_name(dtype));
  const Device device = common_device(op, {&cond, &a, &b});
  Tensor out = Tensor::empty(shape, dtype, device);
  backend(device).where(out, cond, a, b);
  return out;
}

}  // namespace

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  check(broadcast_shapes(x.shape(), mask.shape(), "masked_fill") == x.shape(), "masked_fill", "mask of shape ",
        shape_str(mask.shape()), " does not broadcast to x of shape ", shape_str(x.shape()));
  const Tensor filler = Tensor::full({}, value, x.dtype(), x.device());
  Tensor out = select_by(mask, filler, x, x.shape(), x.dtype(), "masked_fill");
  // d out / d x = 0 where masked, 1 elsewhere.
  return record1("masked_fill", out, {x}, [mask = mask.detach()](const Tensor& g) {
    const Tensor zero = Tensor::zeros({}, g.dtype(), g.device());
    return std::vector<Tensor>{select_by(mask, zero, g, g.shape(), g.dtype(), "masked_fill")};
  }, {mask});
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  check_same_dtype("where", a, b);
  const Shape shape = broadcast_shapes(broadcast_shapes(condition.shape(), a.shape(), "where"), b.shape(), "where");
  Tensor out = select_by(condition, a, b, shape, a.dtype(), "where");
  // g goes to a where the condition holds and to b elsewhere, then back to each input's shape.
  return record1("where", out, {a, b},
                 [cond = condition.detach(), sa = a.shape(), sb = b.shape(), need_a = a.requires_grad(),
                  need_b = b.requires_grad()](const Tensor& g) {
                   const Tensor zero = Tensor::zeros({}, g.dtype(), g.device());
                   Tensor ga, gb;
                   if (need_a) ga = sum_to(select_by(cond, g, zero, g.shape(), g.dtype(), "where"), sa);
                   if (need_b) gb = sum_to(select_by(cond, zero, g, g.shape(), g.dtype(), "where"), sb);
                   return std::vector<Tensor>{ga, gb};
                 }, {condition});
}

}  // namespace fw
