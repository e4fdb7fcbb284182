#include "framework/nn/gru.h"

#include <cmath>

namespace fw::nn {

GRU::GRU(int64_t input_size, int64_t hidden_size, int64_t num_layers, bool bidirectional, Generator& gen, DType dtype)
    : input_size(input_size), hidden_size(hidden_size), num_layers(num_layers), bidirectional(bidirectional) {
  check(input_size > 0 && hidden_size > 0 && num_layers > 0, "GRU",
        "sizes must be positive, got input_size=", input_size, " hidden_size=", hidden_size,
        " num_layers=", num_layers);
  const int64_t dirs = bidirectional ? 2 : 1, H = hidden_size;
  const double bound = 1.0 / std::sqrt(static_cast<double>(H));
  for (int64_t i = 0; i < 4 * num_layers * dirs; ++i) {
    const int64_t layer = i / (4 * dirs), in = layer == 0 ? input_size : H * dirs;
    const Shape shape = i % 4 == 0 ? Shape{3 * H, in} : i % 4 == 1 ? Shape{3 * H, H} : Shape{3 * H};
    weights_.push_back(
        &register_parameter(gru_weight_name(i, dirs), Tensor::uniform(shape, -bound, bound, gen, dtype)));
  }
}

std::vector<Tensor> GRU::flat_weights() const {
  std::vector<Tensor> out;
  for (const Tensor* w : weights_) out.push_back(*w);
  return out;
}

GruOutput GRU::forward(const Tensor& x, const std::vector<int64_t>& lengths) const {
  return gru(x, lengths, flat_weights(), num_layers, bidirectional);
}

GruOutput GRU::forward(const Tensor& x, const Tensor& lengths) const {
  return gru(x, lengths, flat_weights(), num_layers, bidirectional);
}

}  // namespace fw::nn
