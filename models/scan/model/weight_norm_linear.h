#pragma once
// A Linear layer under PyTorch's weight_norm(module, dim=None) (Salimans & Kingma 2016), as
// SCAN's EncoderImageWeightNormPrecomp uses it: the weight is re-parameterised as
//   W = g · V / ‖V‖_F
// with a scalar g (a 0-dim tensor, as PyTorch stores it) and V of the weight's shape [out, in];
// no epsilon. Parameters, in PyTorch's state-dict order: bias [out], weight_g [], weight_v [out, in].
#include <cstdint>

#include "framework/core/random.h"
#include "framework/nn/module.h"

namespace scan {

// W = g · v / ‖v‖_F for a scalar g [] and v [out, in] (differentiable w.r.t. both).
fw::Tensor weight_norm(const fw::Tensor& weight_g, const fw::Tensor& weight_v);

// x [..., in] -> x Wᵀ + b with W = weight_norm(g, v) (differentiable w.r.t. all four).
fw::Tensor weight_norm_linear(const fw::Tensor& x, const fw::Tensor& weight_g, const fw::Tensor& weight_v,
                              const fw::Tensor& bias);

class WeightNormLinear : public fw::nn::Module {
 public:
  // v and bias get PyTorch's default Linear init, U(−1/√in, 1/√in), drawn in that order (as
  // nn::Linear draws weight then bias); g = ‖v‖_F, so the initial W equals v (what weight_norm
  // computes when it wraps an initialised layer).
  WeightNormLinear(int64_t in_features, int64_t out_features, fw::Generator& gen, fw::DType dtype = fw::DType::Float32);
  fw::Tensor forward(const fw::Tensor& x) const;
  // The effective weight g · v / ‖v‖_F [out, in].
  fw::Tensor weight() const;

  fw::Tensor& bias;
  fw::Tensor& weight_g;
  fw::Tensor& weight_v;
  const int64_t in_features, out_features;

 private:
  struct Initial {
    fw::Tensor bias, weight_g, weight_v;
  };
  static Initial draw(int64_t in_features, int64_t out_features, fw::Generator& gen, fw::DType dtype);
  WeightNormLinear(int64_t in_features, int64_t out_features, Initial initial);
};

}  // namespace scan
