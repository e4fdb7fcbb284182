#pragma once
// Elementwise functions of one tensor. Each backward multiplies the output gradient by the
// local derivative, written with framework ops (formula next to each declaration).
#include "framework/core/tensor.h"

namespace fw {

Tensor exp(const Tensor& x);                        // d = exp(x)
Tensor log(const Tensor& x);                        // d = 1/x
Tensor sqrt(const Tensor& x);                       // d = 1/(2 sqrt(x))
Tensor pow(const Tensor& x, double exponent);       // d = p x^(p-1)
Tensor abs(const Tensor& x);                        // d = sign(x) (0 at 0)
Tensor sigmoid(const Tensor& x);                    // d = s(1-s)
Tensor tanh(const Tensor& x);                       // d = 1-t²
Tensor relu(const Tensor& x);                       // d = [x>0]
Tensor leaky_relu(const Tensor& x, double slope);   // d = 1 if x>0 else slope
Tensor clamp_min(const Tensor& x, double min);      // d = [x>min]

}  // namespace fw
