#pragma once
// Linear(in, out): y = x Wᵀ + b over the last dim of x (any leading dims).
// Parameters as PyTorch names them: weight [out, in], bias [out].
#include "framework/core/random.h"
#include "framework/nn/module.h"

namespace fw::nn {

enum class LinearInit {
  PyTorchDefault,  // weight and bias ~ U(−1/√in, 1/√in) (PyTorch's kaiming_uniform(a=√5) bound)
  Xavier,          // SCAN's init_weights: weight ~ U(−r, r), r = √6/√(in+out); bias = 0
};

// The function behind Linear: x [..., in] -> x Wᵀ + b, weight [out, in], bias [out] (or undefined).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, Generator& gen, LinearInit init = LinearInit::PyTorchDefault,
         DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) const;

  Tensor& weight;
  Tensor& bias;
  const int64_t in_features, out_features;
};

}  // namespace fw::nn
