#pragma once
// CPU kernels of one GRU direction over a padded batch with per-sequence lengths
// (PyTorch's packed-sequence semantics). The cell, with PyTorch's gate order (r, z, n):
//
//   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
//   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   h' = (1 − z) ⊙ n + z ⊙ h                          (h = 0 before the first step)
//
// Steps are counted per sequence: at step s, sequence b is active iff s < len_b, and it reads
// time t = s (forward) or t = len_b − 1 − s (reverse, so it starts at its own last valid step).
// As in a packed sequence, the state rows are kept in order of decreasing length, so the active
// sequences of step s are the first active(s) rows and each step's recurrent GEMM covers exactly
// them: a finished sequence is neither computed nor updated, and its gradient passes untouched.
//
// Buffers (all dense, row-major; S = max length; "row i" is sequence order[i]):
//   x       [B, T, in]     layer input (original batch order, as are out, h_n and their gradients)
//   w_ih    [3H, in]       w_hh [3H, H]     b_ih, b_hh [3H]
//   out     [B, T, ld]     this direction writes columns [col, col + H) of valid positions only
//   h_n     [B, H]         the state after each sequence's last step
//   gates   [S, B, 4H]     saved per step and active row: r, z, n and hn = W_hn h + b_hn
//   states  [S, B, H]      saved h before each step, per active row
#include <cstdint>
#include <vector>

#include "framework/backend/gru_geometry.h"

namespace fw::cpu {

template <typename T>
void gru_direction_forward(const GruGeometry& g, const T* x, const T* w_ih, const T* w_hh, const T* b_ih, const T* b_hh,
                           T* out, int64_t out_ld, int64_t out_col, T* h_n, T* gates, T* states);

// Backward through time. d_out [B, T, ld] (columns [col, col + H) are read at valid positions),
// d_h_n [B, H]. Writes dw_ih, dw_hh, db_ih, db_hh (overwritten) and adds into dx when non-null.
template <typename T>
void gru_direction_backward(const GruGeometry& g, const T* x, const T* w_ih, const T* w_hh, const T* gates,
                            const T* states, const T* d_out, int64_t out_ld, int64_t out_col, const T* d_h_n, T* dx,
                            T* dw_ih, T* dw_hh, T* db_ih, T* db_hh);

}  // namespace fw::cpu
