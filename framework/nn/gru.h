#pragma once
// GRU(input, hidden, layers, bidirectional): PyTorch's nn.GRU with batch_first=True, run on a
// padded batch plus per-sequence lengths with packed-sequence semantics (framework/ops/gru.h).
// Parameters, named, shaped and registered in PyTorch's order so that a PyTorch state dict maps
// onto them: for each layer k, weight_ih_l{k} [3H, in_k], weight_hh_l{k} [3H, H], bias_ih_l{k} [3H],
// bias_hh_l{k} [3H], then the same with suffix _reverse (in_0 = input, in_k = H·dirs).
// Init as PyTorch: every parameter ~ U(−1/√H, 1/√H), drawn in registration order.
#include <vector>

#include "framework/core/random.h"
#include "framework/nn/module.h"
#include "framework/ops/gru.h"

namespace fw::nn {

class GRU : public Module {
 public:
  GRU(int64_t input_size, int64_t hidden_size, int64_t num_layers, bool bidirectional, Generator& gen,
      DType dtype = DType::Float32);

  // x [B, T, input]; lengths: B values in 1..T (any order). Returns output [B, T, H·dirs] (zero
  // at padded steps) and h_n [layers·dirs, B, H].
  GruOutput forward(const Tensor& x, const std::vector<int64_t>& lengths) const;
  GruOutput forward(const Tensor& x, const Tensor& lengths) const;

  // The parameters in registration order (4 per layer and direction), as the op takes them.
  std::vector<Tensor> flat_weights() const;

  const int64_t input_size, hidden_size, num_layers;
  const bool bidirectional;

 private:
  std::vector<Tensor*> weights_;  // the registered parameters (owned by Module)
};

}  // namespace fw::nn
