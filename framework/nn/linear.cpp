#include "framework/nn/linear.h"

#include <cmath>

#include "framework/ops/elementwise.h"
#include "framework/ops/linalg.h"

namespace fw::nn {

namespace {
double weight_bound(int64_t in, int64_t out, LinearInit init) {
  return init == LinearInit::Xavier ? std::sqrt(6.0) / std::sqrt(double(in + out)) : 1.0 / std::sqrt(double(in));
}
}  // namespace

Linear::Linear(int64_t in, int64_t out, Generator& gen, LinearInit init, DType dtype)
    : weight(register_parameter(
          "weight", Tensor::uniform({out, in}, -weight_bound(in, out, init), weight_bound(in, out, init), gen, dtype))),
      bias(register_parameter("bias", init == LinearInit::Xavier
                                          ? Tensor::zeros({out}, dtype)
                                          : Tensor::uniform({out}, -1.0 / std::sqrt(double(in)),
                                                            1.0 / std::sqrt(double(in)), gen, dtype))),
      in_features(in),
      out_features(out) {
  check(in > 0 && out > 0, "Linear", "sizes must be positive, got in=", in, " out=", out);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check(weight.dim() == 2, "linear", "expected a weight [out, in], got ", shape_str(weight.shape()));
  const int64_t in = weight.size(1), out = weight.size(0);
  check(x.dim() >= 1 && x.size(-1) == in, "linear", "expected input [..., ", in, "] for weight ",
        shape_str(weight.shape()), ", got ", shape_str(x.shape()));
  Shape out_shape = x.shape();
  out_shape.back() = out;
  // Flatten the leading dims into one GEMM: [N, in] x [in, out] (Wᵀ is a transposed view, no copy).
  Tensor y = matmul(x.reshape({-1, in}), weight.transpose(0, 1));
  if (bias.defined()) y = y + bias;
  return y.reshape(out_shape);
}

Tensor Linear::forward(const Tensor& x) const { return linear(x, weight, bias); }

}  // namespace fw::nn
