// Activation functions: sigmoid, tanh, relu, leaky_relu, clamp_min. The piecewise ones build
// their derivative as a tensor (1 or slope or 0 per element) and multiply it into the gradient.
// NaN inputs give NaN outputs.
#include <cmath>

#include "framework/autograd/node.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/unary.h"

namespace fw {

using E = ElementwiseOp;

Tensor sigmoid(const Tensor& x) {
  // Computed without overflow for any x (backend/elementwise_ops.h).
  Tensor out = apply_elementwise("sigmoid", E::Sigmoid, {x});
  // d s = s (1 - s) dx
  return record1("sigmoid", out, {x}, [y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{g * (y * (1.0 - y))};
  }, {out});
}

Tensor tanh(const Tensor& x) {
  Tensor out = apply_elementwise("tanh", E::Tanh, {x});
  // d tanh(x) = (1 - tanh²(x)) dx
  return record1("tanh", out, {x}, [y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{g * (1.0 - y * y)};
  }, {out});
}

Tensor relu(const Tensor& x) {
  Tensor out = apply_elementwise("relu", E::Relu, {x});
  return record1("relu", out, {x}, [x = x.detach()](const Tensor& g) {
    const Tensor d = apply_elementwise("relu_backward", E::ReluDerivative, {x});
    return std::vector<Tensor>{g * d};
  }, {x});
}

Tensor leaky_relu(const Tensor& x, double slope) {
  Tensor out = apply_elementwise("leaky_relu", E::LeakyRelu, {x}, slope);
  return record1("leaky_relu", out, {x}, [x = x.detach(), slope](const Tensor& g) {
    const Tensor d = apply_elementwise("leaky_relu_backward", E::LeakyReluDerivative, {x}, slope);
    return std::vector<Tensor>{g * d};
  }, {x});
}

Tensor clamp_min(const Tensor& x, double min) {
  Tensor out = apply_elementwise("clamp_min", E::ClampMin, {x}, min);
  return record1("clamp_min", out, {x}, [x = x.detach(), min](const Tensor& g) {
    const Tensor d = apply_elementwise("clamp_min_backward", E::ClampMinDerivative, {x}, min);
    return std::vector<Tensor>{g * d};
  }, {x});
}

}  // namespace fw
