#pragma once
// The (bidirectional, multi-layer) GRU over a padded batch of variable-length sequences, as one
// fused op with a hand-written backward through time. Cell and gate order are PyTorch's
// (framework/cpu/gru_kernel.h has the formula); the semantics are those of PyTorch's GRU on a
// packed sequence (pack_padded_sequence with enforce_sorted=False, then pad_packed_sequence):
//   - sequence b uses time steps 0..len_b−1 only; lengths need not be sorted;
//   - the reverse direction starts at each sequence's own last valid step len_b−1;
//   - output positions t ≥ len_b are exactly zero;
//   - h_n holds the state after the last valid step (forward) or after step 0 (reverse).
// Layer k > 0 reads layer k−1's full output (both directions). The initial state is zero.
//
// The whole stack is one autograd node: inputs {x, weights...}, outputs {output, h_n}. Its
// backward runs the layers in reverse order and feeds each layer's input gradient to the one below.
#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/tensor.h"

namespace fw {

struct GruOutput {
  Tensor output;  // [B, T, H·dirs]: forward features first, then reverse
  Tensor h_n;     // [layers·dirs, B, H], index layer·dirs + direction
};

// x [B, T, in] (float32 or float64); lengths: B values, each in 1..T, in any order.
// weights: 4 per layer and direction, in PyTorch's parameter order
//   weight_ih_l0 [3H, in], weight_hh_l0 [3H, H], bias_ih_l0 [3H], bias_hh_l0 [3H],
//   then the same four with suffix _reverse when bidirectional, then layer 1 (input 2H or H)...
// H is read from weight_hh_l0; all weights must have x's dtype.
GruOutput gru(const Tensor& x, const std::vector<int64_t>& lengths, const std::vector<Tensor>& weights,
              int64_t num_layers, bool bidirectional);
// Same, with lengths as a 1-D int64 tensor of B values.
GruOutput gru(const Tensor& x, const Tensor& lengths, const std::vector<Tensor>& weights, int64_t num_layers,
              bool bidirectional);

// "weight_ih_l1_reverse": the PyTorch name of weights[index] for a GRU with `dirs` directions.
std::string gru_weight_name(int64_t index, int64_t dirs);

}  // namespace fw
