#include "models/scan/model/weight_norm_linear.h"

#include <cmath>

#include "framework/core/error.h"
#include "framework/nn/linear.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

namespace scan {

fw::Tensor weight_norm(const fw::Tensor& weight_g, const fw::Tensor& weight_v) {
  fw::check(weight_g.dim() == 0, "weight_norm", "expected a scalar weight_g [], got ", fw::shape_str(weight_g.shape()));
  fw::check(weight_v.dim() == 2, "weight_norm", "expected weight_v [out, in], got ", fw::shape_str(weight_v.shape()));
  // W = v · (g / ‖v‖_F), the grouping of PyTorch's _weight_norm.
  return weight_v * (weight_g / fw::sqrt(fw::sum(weight_v * weight_v)));
}

fw::Tensor weight_norm_linear(const fw::Tensor& x, const fw::Tensor& weight_g, const fw::Tensor& weight_v,
                              const fw::Tensor& bias) {
  return fw::nn::linear(x, weight_norm(weight_g, weight_v), bias);
}

WeightNormLinear::Initial WeightNormLinear::draw(int64_t in, int64_t out, fw::Generator& gen, fw::DType dtype) {
  fw::check(in > 0 && out > 0, "WeightNormLinear", "sizes must be positive, got in=", in, " out=", out);
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  Initial initial;
  initial.weight_v = fw::Tensor::uniform({out, in}, -bound, bound, gen, dtype);
  initial.bias = fw::Tensor::uniform({out}, -bound, bound, gen, dtype);
  double squares = 0;
  for (double v : initial.weight_v.to_vector<double>()) squares += v * v;
  initial.weight_g = fw::Tensor::scalar(std::sqrt(squares), dtype);
  return initial;
}

WeightNormLinear::WeightNormLinear(int64_t in, int64_t out, fw::Generator& gen, fw::DType dtype)
    : WeightNormLinear(in, out, draw(in, out, gen, dtype)) {}

WeightNormLinear::WeightNormLinear(int64_t in, int64_t out, Initial initial)
    : bias(register_parameter("bias", initial.bias)),
      weight_g(register_parameter("weight_g", initial.weight_g)),
      weight_v(register_parameter("weight_v", initial.weight_v)),
      in_features(in),
      out_features(out) {}

fw::Tensor WeightNormLinear::forward(const fw::Tensor& x) const {
  return weight_norm_linear(x, weight_g, weight_v, bias);
}

fw::Tensor WeightNormLinear::weight() const { return weight_norm(weight_g, weight_v); }

}  // namespace scan
