#include "framework/cpu/gru_kernel.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/cpu/cpu_clones.h"
#include "framework/cpu/fast_math.h"
#include "framework/cpu/scratch.h"

namespace fw::cpu {

namespace {

// C = A B + beta C, row-major, A [m, k] (or Aᵀ stored [k, m]), B [k, n] (or Bᵀ stored [n, k]).
// The recurrence accumulates into C (beta = 1), which cpu/gemm.h's product does not offer.
template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb,
          T beta, T* c, int64_t ldc) {
  const auto ta = trans_a ? CblasTrans : CblasNoTrans, tb = trans_b ? CblasTrans : CblasNoTrans;
  const auto M = static_cast<blasint>(m), N = static_cast<blasint>(n), K = static_cast<blasint>(k);
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, a, static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta,
                c, static_cast<blasint>(ldc));
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, 1.0, a, static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta,
                c, static_cast<blasint>(ldc));
  }
}

// sums[c] += Σ_r m[r, c] for m [rows, cols]. Columns are split between threads; each column is
// summed by one thread in row order.
template <typename T>
void add_column_sums(const T* m, int64_t rows, int64_t cols, T* sums) {
  parallel_for(cols, 256, [&](int64_t begin, int64_t end) {
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = m + r * cols;
      for (int64_t c = begin; c < end; ++c) sums[c] += row[c];
    }
  });
}

// Rows per parallel chunk so that a chunk holds a few thousand elements.
int64_t row_grain(int64_t hidden) { return std::max<int64_t>(1, 4096 / hidden); }

// The valid positions of the padded batch, packed: position (b, t), t < lengths[b], is token row
// first[b] + t. Without padding (every length T) that is x's own row b·T + t, and nothing is copied.
struct Tokens {
  std::vector<int64_t> first;
  int64_t count = 0;
  explicit Tokens(const GruGeometry& g) {
    for (int64_t b = 0; b < g.batch; ++b) {
      first.push_back(count);
      count += g.lengths[b];
    }
  }
  bool padded(const GruGeometry& g) const { return count != g.batch * g.time; }
  int64_t row(int64_t b, int64_t t) const { return first[b] + t; }
};

// x's valid rows packed [tokens, input] (x itself when unpadded).
template <typename T>
const T* packed_rows(const GruGeometry& g, const Tokens& tok, const T* x, Scratch<T>& buffer) {
  if (!tok.padded(g)) return x;
  parallel_for(g.batch, 8, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const T* from = x + b * g.time * g.input;
      std::copy(from, from + g.lengths[b] * g.input, buffer.data() + tok.first[b] * g.input);
    }
  });
  return buffer.data();
}

// The cell's forward for one row of H units (the header's formulas), saving r, z, n and hn.
template <typename T>
[[gnu::always_inline]] inline void cell_forward(int64_t H, const T* xg, const T* hg, const T* b_hh, const T* h, T* y,
                                                T* saved) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const T r = fast_sigmoid(xg[j] + hg[j] + b_hh[j]);
    const T z = fast_sigmoid(xg[H + j] + hg[H + j] + b_hh[H + j]);
    const T hn = hg[2 * H + j] + b_hh[2 * H + j];
    const T n = fast_tanh(xg[2 * H + j] + r * hn);
    y[j] = (T(1) - z) * n + z * h[j];
    saved[j] = r;
    saved[H + j] = z;
    saved[2 * H + j] = n;
    saved[3 * H + j] = hn;
  }
}

// Its backward: from dh' (the gradient reaching h' from later steps plus dy) to the gate
// pre-activation gradients (input side gx, recurrent side gh) and the direct part z dh' of ∂h.
template <typename T>
[[gnu::always_inline]] inline void cell_backward(int64_t H, const T* saved, const T* dy, const T* h_prev, T* dh, T* gx,
                                                 T* gh) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const T r = saved[j], z = saved[H + j], n = saved[2 * H + j], hn = saved[3 * H + j];
    const T dh_new = dh[j] + dy[j];
    // h' = (1 − z) n + z h:  ∂n = (1 − z) dh', ∂z = (h − n) dh', ∂h (direct) = z dh'.
    const T d_npre = dh_new * (T(1) - z) * (T(1) - n * n);  // through tanh
    const T d_rpre = d_npre * hn * r * (T(1) - r);          // n_pre = x_n + r hn
    const T d_zpre = dh_new * (h_prev[j] - n) * z * (T(1) - z);
    gx[j] = gh[j] = d_rpre;
    gx[H + j] = gh[H + j] = d_zpre;
    gx[2 * H + j] = d_npre;
    gh[2 * H + j] = d_npre * r;
    dh[j] = dh_new * z;
  }
}

// One version per precision, each compiled for the baseline and for AVX2 (cpu_clones.h).
FW_CPU_CLONES void cell_forward_row(int64_t H, const float* xg, const float* hg, const float* b_hh, const float* h,
                                    float* y, float* saved) {
  cell_forward(H, xg, hg, b_hh, h, y, saved);
}
FW_CPU_CLONES void cell_forward_row(int64_t H, const double* xg, const double* hg, const double* b_hh,
                                    const double* h, double* y, double* saved) {
  cell_forward(H, xg, hg, b_hh, h, y, saved);
}
FW_CPU_CLONES void cell_backward_row(int64_t H, const float* saved, const float* dy, const float* h_prev, float* dh,
                                     float* gx, float* gh) {
  cell_backward(H, saved, dy, h_prev, dh, gx, gh);
}
FW_CPU_CLONES void cell_backward_row(int64_t H, const double* saved, const double* dy, const double* h_prev,
                                     double* dh, double* gx, double* gh) {
  cell_backward(H, saved, dy, h_prev, dh, gx, gh);
}

}  // namespace

template <typename T>
void gru_direction_forward(const GruGeometry& g, const T* x, const T* w_ih, const T* w_hh, const T* b_ih, const T* b_hh,
                           T* out, int64_t out_ld, int64_t out_col, T* h_n, T* gates, T* states) {
  const int64_t B = g.batch, H = g.hidden;
  const Tokens tok(g);
  // Input projections of every valid position in one GEMM: xp = x W_ihᵀ + b_ih, [tokens, 3H].
  Scratch<T> packed(tok.padded(g) ? tok.count * g.input : 0), xp(tok.count * 3 * H);
  const T* xs = packed_rows(g, tok, x, packed);
  gemm<T>(false, true, tok.count, 3 * H, g.input, xs, g.input, w_ih, g.input, T(0), xp.data(), 3 * H);
  parallel_for(tok.count, row_grain(3 * H), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      for (int64_t c = 0; c < 3 * H; ++c) xp[r * 3 * H + c] += b_ih[c];
  });

  std::fill(states, states + B * H, T(0));
  Scratch<T> hp(B * 3 * H);  // recurrent projections W_hh h of the active rows, [active, 3H]
  for (int64_t s = 0; s < g.steps; ++s) {
    const int64_t active = g.active(s);
    const T* h = states + s * B * H;
    T* h_next = s + 1 < g.steps ? states + (s + 1) * B * H : nullptr;
    gemm<T>(false, true, active, 3 * H, H, h, H, w_hh, H, T(0), hp.data(), 3 * H);
    parallel_for(active, row_grain(H), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const int64_t b = g.order[i], t = g.time_at(b, s);
        T* y = out + (b * g.time + t) * out_ld + out_col;
        cell_forward_row(H, xp.data() + tok.row(b, t) * 3 * H, hp.data() + i * 3 * H, b_hh, h + i * H, y,
                         gates + (s * B + i) * 4 * H);
        if (h_next) std::copy(y, y + H, h_next + i * H);
        if (s == g.lengths[b] - 1) std::copy(y, y + H, h_n + b * H);  // the sequence's last step
      }
    });
  }
}

template <typename T>
void gru_direction_backward(const GruGeometry& g, const T* x, const T* w_ih, const T* w_hh, const T* gates,
                            const T* states, const T* d_out, int64_t out_ld, int64_t out_col, const T* d_h_n, T* dx,
                            T* dw_ih, T* dw_hh, T* db_ih, T* db_hh) {
  const int64_t B = g.batch, H = g.hidden;
  const Tokens tok(g);
  // Gradients of the gate pre-activations, input side dgx [tokens, 3H] (row tok.row(b, t)) and
  // recurrent side dgh; they differ only in the n block, where the recurrent side is scaled by r:
  // ∂/∂(W_hn h + b_hn) = r ⊙ ∂/∂(pre-activation of n). dgh keeps every step's active rows, the
  // steps in the order they are processed (last first), so that dW_hh = Σ_s dgh_sᵀ h_s is one GEMM
  // over all of them, against h_prev packed the same way.
  std::vector<int64_t> step_row(static_cast<std::size_t>(g.steps) + 1, 0);  // first dgh row of step s
  int64_t rows = 0;
  for (int64_t s = g.steps - 1; s >= 0; --s) {
    step_row[s] = rows;
    rows += g.active(s);
  }
  step_row[g.steps] = rows;  // all rows
  const int64_t all_rows = step_row[g.steps], recurrent_rows = all_rows - g.active(0);  // step 0's h is 0
  Scratch<T> dgx(tok.count * 3 * H), dgh(all_rows * 3 * H), h_prev_rows(recurrent_rows * H);
  Scratch<T> dh(B * H);  // ∂L/∂h after the current step, per row; starts as ∂L/∂h_n
  for (int64_t i = 0; i < B; ++i) std::copy(d_h_n + g.order[i] * H, d_h_n + (g.order[i] + 1) * H, dh.data() + i * H);
  for (int64_t s = g.steps - 1; s >= 0; --s) {
    const int64_t active = g.active(s);
    const T* h_prev = states + s * B * H;
    T* gh_step = dgh.data() + step_row[s] * 3 * H;
    parallel_for(active, row_grain(H), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const int64_t b = g.order[i], t = g.time_at(b, s);
        cell_backward_row(H, gates + (s * B + i) * 4 * H, d_out + (b * g.time + t) * out_ld + out_col, h_prev + i * H,
                          dh.data() + i * H, dgx.data() + tok.row(b, t) * 3 * H, gh_step + i * 3 * H);
      }
    });
    if (s == 0) break;  // h before step 0 is the constant zero state: no more terms
    std::copy(h_prev, h_prev + active * H, h_prev_rows.data() + step_row[s] * H);
    gemm<T>(false, false, active, H, 3 * H, gh_step, 3 * H, w_hh, H, T(1), dh.data(), H);  // dh += dgh W_hh
  }
  // Recurrent weights: dW_hh = dghᵀ h_prev over the steps s >= 1 (the first recurrent_rows rows),
  // db_hh = Σ rows of dgh over every step, in the order the steps ran.
  gemm<T>(true, false, 3 * H, H, recurrent_rows, dgh.data(), 3 * H, h_prev_rows.data(), H, T(0), dw_hh, H);
  std::fill(db_hh, db_hh + 3 * H, T(0));
  add_column_sums(dgh.data(), all_rows, 3 * H, db_hh);
  // Input side, once for all positions: dW_ih = dgxᵀ x, db_ih = Σ rows of dgx, dx += dgx W_ih.
  Scratch<T> packed(tok.padded(g) ? tok.count * g.input : 0);
  const T* xs = packed_rows(g, tok, x, packed);
  gemm<T>(true, false, 3 * H, g.input, tok.count, dgx.data(), 3 * H, xs, g.input, T(0), dw_ih, g.input);
  std::fill(db_ih, db_ih + 3 * H, T(0));
  add_column_sums(dgx.data(), tok.count, 3 * H, db_ih);
  if (!dx) return;
  if (!tok.padded(g)) {
    gemm<T>(false, false, tok.count, g.input, 3 * H, dgx.data(), 3 * H, w_ih, g.input, T(1), dx, g.input);
    return;
  }
  gemm<T>(false, false, tok.count, g.input, 3 * H, dgx.data(), 3 * H, w_ih, g.input, T(0), packed.data(), g.input);
  parallel_for(g.batch, 8, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const T* from = packed.data() + tok.first[b] * g.input;
      T* to = dx + b * g.time * g.input;
      for (int64_t k = 0; k < g.lengths[b] * g.input; ++k) to[k] += from[k];
    }
  });
}

#define FW_INSTANTIATE_GRU(T)                                                                                      \
  template void gru_direction_forward<T>(const GruGeometry&, const T*, const T*, const T*, const T*, const T*, T*, \
                                         int64_t, int64_t, T*, T*, T*);                                            \
  template void gru_direction_backward<T>(const GruGeometry&, const T*, const T*, const T*, const T*, const T*,    \
                                          const T*, int64_t, int64_t, const T*, T*, T*, T*, T*, T*);
FW_INSTANTIATE_GRU(float)
FW_INSTANTIATE_GRU(double)
#undef FW_INSTANTIATE_GRU

}  // namespace fw::cpu
