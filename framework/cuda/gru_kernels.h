#pragma once
// The launchers of the GRU kernels (gru.cu), for gru.cpp, which runs the products on cuBLAS and
// calls these in between. Every launcher runs on stream() and checks its launch. The cell and
// the buffers are those of cpu/gru_kernel.h, reproduced exactly (the backward reads `gates`):
//   gates  [S, B, 4H]  at step s, state row i < active(s): r, z, n, hn = W_hn h + b_hn (H each)
//   states [S, B, H]   at step s, state row i: h before the step
// State row i holds sequence order[i]; tokens (valid positions (b, t), t < lengths[b]) are rows
// first[b] + t of the packed [tokens, ...] matrices (first[b] = b·T when nothing is padded).
#include <cstdint>

namespace fw::cuda {

// The per-sequence tables of one call, on the device, [B] each.
struct GruTables {
  const int64_t* order = nullptr;    // state row i holds sequence order[i]
  const int64_t* lengths = nullptr;  // lengths[b], 1..T
  const int64_t* first = nullptr;    // token row of (b, 0)
};

// One step of one direction: the rows i < active are the active sequences.
struct GruStep {
  int64_t step = 0, active = 0, batch = 0, time = 0, hidden = 0;
  bool reverse = false;  // sequence b reads time lengths[b] - 1 - step instead of step
  bool last = false;     // the last step (no next state to write)
};

// Forward cell of step s for the active rows, the formulas of cpu/gru_kernel.h:
//   xp [tokens, 3H] = x W_ihᵀ (without b_ih), hp [active, 3H] = h W_hhᵀ (without b_hh);
//   writes out[b, t, col .. col + H) (out [B, T, out_ld]), gates row (s, i), states row (s + 1, i)
//   unless the last step, and h_n[b] at the sequence's last step.
template <typename T>
struct GruCellForward {
  const T* xp = nullptr;
  const T* b_ih = nullptr;
  const T* hp = nullptr;
  const T* b_hh = nullptr;
  T* states = nullptr;
  T* out = nullptr;
  int64_t out_ld = 0, out_col = 0;
  T* h_n = nullptr;
  T* gates = nullptr;
};
template <typename T>
void gru_cell_forward(const GruTables& tables, const GruStep& step, const GruCellForward<T>& args);

// Backward cell of step s: from dh (state rows [B, H], the gradient reaching h after the step)
// plus d_out[b, t, col ..) to the pre-activation gradients dgx (input side, token rows
// [tokens, 3H]) and dgh (recurrent side, [active, 3H] for this step); dh becomes z ⊙ dh'
// (the direct part of ∂h; the caller then adds dgh W_hh).
template <typename T>
struct GruCellBackward {
  const T* gates = nullptr;
  const T* states = nullptr;
  const T* d_out = nullptr;
  int64_t out_ld = 0, out_col = 0;
  T* dh = nullptr;
  T* dgx = nullptr;
  T* dgh = nullptr;
};
template <typename T>
void gru_cell_backward(const GruTables& tables, const GruStep& step, const GruCellBackward<T>& args);

// dh[i, :] = d_h_n[order[i], :] for the B state rows (H columns).
template <typename T>
void gru_gather_rows(const GruTables& tables, int64_t batch, int64_t hidden, const T* d_h_n, T* dh, const char* op);

// packed[first[b] + t, :] = x[b, t, :] for every valid (b, t); x [B, T, width] dense.
template <typename T>
void gru_pack_tokens(const GruTables& tables, int64_t batch, int64_t time, int64_t width, const T* x, T* packed,
                     const char* op);

// x[b, t, :] += packed[first[b] + t, :] for every valid (b, t); padded positions are untouched.
template <typename T>
void gru_unpack_add(const GruTables& tables, int64_t batch, int64_t time, int64_t width, const T* packed, T* x,
                    const char* op);

// sums[c] = Σ_r m[r, c] for m dense [rows, cols], in a fixed order (the same bits on every run).
template <typename T>
void column_sums(int64_t rows, int64_t cols, const T* m, T* sums, const char* op);

}  // namespace fw::cuda
