#pragma once
// A GRU written with ordinary autograd ops (matmul, sigmoid, tanh, narrow, cat, stack), one
// sequence and one time step at a time. It shares nothing with the fused op but the formula, so
// agreement of outputs and gradients checks the fused forward and its hand-written backward.
// Packed-sequence semantics are explicit here: each sequence is cut to its own length, run
// forward and reversed, then padded with zeros.
#include <vector>

#include "framework/ops/elementwise.h"
#include "framework/ops/gru.h"
#include "framework/ops/indexing.h"
#include "framework/ops/linalg.h"
#include "framework/ops/unary.h"

namespace fw::testing {

// One step, x [1, in], h [1, H], PyTorch's cell:
//   r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), z = σ(… z …), n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),
//   h' = (1 − z) ⊙ n + z ⊙ h.
inline Tensor composite_gru_cell(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh,
                                 const Tensor& b_ih, const Tensor& b_hh) {
  const int64_t H = w_hh.size(1);
  const Tensor gi = matmul(x, w_ih.transpose(0, 1)) + b_ih;
  const Tensor gh = matmul(h, w_hh.transpose(0, 1)) + b_hh;
  const Tensor r = sigmoid(gi.narrow(1, 0, H) + gh.narrow(1, 0, H));
  const Tensor z = sigmoid(gi.narrow(1, H, H) + gh.narrow(1, H, H));
  const Tensor n = tanh(gi.narrow(1, 2 * H, H) + r * gh.narrow(1, 2 * H, H));
  return (1.0 - z) * n + z * h;
}

// Same contract as fw::gru (weights in PyTorch's order, 4 per layer and direction).
inline GruOutput composite_gru(const Tensor& x, const std::vector<int64_t>& lengths, const std::vector<Tensor>& weights,
                               int64_t num_layers, bool bidirectional) {
  const int64_t B = x.size(0), T = x.size(1), dirs = bidirectional ? 2 : 1, H = weights[1].size(1);
  std::vector<Tensor> sequences;
  std::vector<std::vector<Tensor>> finals(num_layers * dirs);  // [layer·dirs + dir][b] -> [H]
  for (int64_t b = 0; b < B; ++b) {
    const int64_t len = lengths[b];
    Tensor seq = x.select(0, b).narrow(0, 0, len);  // [len, in]
    for (int64_t k = 0; k < num_layers; ++k) {
      std::vector<Tensor> per_direction;
      for (int64_t d = 0; d < dirs; ++d) {
        const Tensor* w = &weights[4 * (k * dirs + d)];
        Tensor h = Tensor::zeros({1, H}, x.dtype());
        std::vector<Tensor> steps(len);
        for (int64_t s = 0; s < len; ++s) {
          const int64_t t = d == 1 ? len - 1 - s : s;
          h = composite_gru_cell(seq.narrow(0, t, 1), h, w[0], w[1], w[2], w[3]);
          steps[t] = h;
        }
        per_direction.push_back(cat(steps, 0));  // [len, H]
        finals[k * dirs + d].push_back(h.reshape({H}));
      }
      seq = cat(per_direction, 1);  // [len, H·dirs]
    }
    if (len < T) seq = cat({seq, Tensor::zeros({T - len, H * dirs}, x.dtype())}, 0);
    sequences.push_back(seq);
  }
  std::vector<Tensor> h_n;
  for (const auto& per_batch : finals) h_n.push_back(stack(per_batch, 0));  // [B, H]
  return {stack(sequences, 0), stack(h_n, 0)};
}

}  // namespace fw::testing
