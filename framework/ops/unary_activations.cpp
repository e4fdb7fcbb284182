// Activation functions: sigmoid, tanh, relu, leaky_relu, clamp_min. The piecewise ones build
// their derivative as a tensor (1 or slope or 0 per element) and multiply it into the gradient.
// NaN inputs give NaN outputs.
#include <cmath>

#include "framework/autograd/node.h"
#include "framework/cpu/unary_kernel.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/unary.h"

namespace fw {

Tensor sigmoid(const Tensor& x) {
  // 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0: the exponent is never positive,
  // so nothing overflows (sigmoid(-100) in float32 is a tiny positive number, not nan).
  Tensor out = cpu::map_unary("sigmoid", x, [](auto v) {
    using T = decltype(v);
    if (v >= 0) return T(1) / (T(1) + std::exp(-v));
    const T e = std::exp(v);
    return e / (T(1) + e);
  });
  // d s = s (1 - s) dx
  return record1("sigmoid", out, {x}, [y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{g * (y * (1.0 - y))};
  });
}

Tensor tanh(const Tensor& x) {
  Tensor out = cpu::map_unary("tanh", x, [](auto v) { return std::tanh(v); });
  // d tanh(x) = (1 - tanh²(x)) dx
  return record1("tanh", out, {x}, [y = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{g * (1.0 - y * y)};
  });
}

Tensor relu(const Tensor& x) {
  Tensor out = cpu::map_unary("relu", x, [](auto v) { return v > 0 || std::isnan(v) ? v : decltype(v)(0); });
  return record1("relu", out, {x}, [x = x.detach()](const Tensor& g) {
    const Tensor d = cpu::map_unary("relu_backward", x, [](auto v) { return v > 0 ? 1 : 0; });
    return std::vector<Tensor>{g * d};
  });
}

Tensor leaky_relu(const Tensor& x, double slope) {
  Tensor out = cpu::map_unary("leaky_relu", x, [slope](auto v) {
    using T = decltype(v);
    return v > 0 ? v : v * static_cast<T>(slope);
  });
  return record1("leaky_relu", out, {x}, [x = x.detach(), slope](const Tensor& g) {
    const Tensor d = cpu::map_unary("leaky_relu_backward", x, [slope](auto v) { return v > 0 ? 1.0 : slope; });
    return std::vector<Tensor>{g * d};
  });
}

Tensor clamp_min(const Tensor& x, double min) {
  Tensor out = cpu::map_unary("clamp_min", x, [min](auto v) {
    using T = decltype(v);
    return v < static_cast<T>(min) ? static_cast<T>(min) : v;
  });
  return record1("clamp_min", out, {x}, [x = x.detach(), min](const Tensor& g) {
    const Tensor d = cpu::map_unary("clamp_min_backward", x, [min](auto v) {
      using T = decltype(v);
      return v > static_cast<T>(min) ? 1 : 0;
    });
    return std::vector<Tensor>{g * d};
  });
}

}  // namespace fw
