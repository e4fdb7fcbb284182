// exp, log, sqrt, pow and abs. Invalid inputs follow IEEE arithmetic (log(-1) = nan,
// log(0) = -inf, sqrt(-1) = nan) rather than throwing.
#include <cmath>

#include "framework/autograd/node.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/unary.h"

namespace fw {

using E = ElementwiseOp;

Tensor exp(const Tensor& x) {
  Tensor out = apply_elementwise("exp", E::Exp, {x});
  return record1("exp", out, {x}, [y = out.detach()](const Tensor& g) { return std::vector<Tensor>{g * y}; }, {out});
}

Tensor log(const Tensor& x) {
  Tensor out = apply_elementwise("log", E::Log, {x});
  return record1("log", out, {x}, [x = x.detach()](const Tensor& g) { return std::vector<Tensor>{g / x}; }, {x});
}

Tensor sqrt(const Tensor& x) {
  Tensor out = apply_elementwise("sqrt", E::Sqrt, {x});
  // d sqrt(x) = 1 / (2 sqrt(x)) dx
  return record1("sqrt", out, {x}, [y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{g / (y * 2.0)};
  }, {out});
}

Tensor pow(const Tensor& x, double exponent) {
  Tensor out = apply_elementwise("pow", E::Pow, {x}, exponent);
  // d x^p = p x^(p-1) dx; for p = 0 the derivative is 0 everywhere (not 0 · x^-1, nan at 0).
  return record1("pow", out, {x}, [x = x.detach(), exponent](const Tensor& g) {
    if (exponent == 0.0) return std::vector<Tensor>{Tensor::zeros(g.shape(), g.dtype(), g.device())};
    return std::vector<Tensor>{g * (pow(x, exponent - 1.0) * exponent)};
  }, {x});
}

Tensor abs(const Tensor& x) {
  Tensor out = apply_elementwise("abs", E::Abs, {x});
  // d |x| = sign(x) dx, with sign(0) = 0.
  return record1("abs", out, {x}, [x = x.detach()](const Tensor& g) {
    const Tensor sign = apply_elementwise("abs_backward", E::Sign, {x});
    return std::vector<Tensor>{g * sign};
  }, {x});
}

}  // namespace fw
