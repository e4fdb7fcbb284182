#include "framework/cpu/gru_kernel.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "framework/core/parallel.h"
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

template <typename T>
T sigmoid(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

}  // namespace

template <typename T>
void gru_direction_forward(const GruGeometry& g, const T* x, const T* w_ih, const T* w_hh, const T* b_ih, const T* b_hh,
                           T* out, int64_t out_ld, int64_t out_col, T* h_n, T* gates, T* states) {
  const int64_t B = g.batch, H = g.hidden, BT = g.batch * g.time;
  // Input projections of every time step in one GEMM: xp = x W_ihᵀ + b_ih, [B·T, 3H].
  Scratch<T> xp(BT * 3 * H);
  gemm<T>(false, true, BT, 3 * H, g.input, x, g.input, w_ih, g.input, T(0), xp.data(), 3 * H);
  parallel_for(BT, row_grain(3 * H), [&](int64_t begin, int64_t end) {
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
        const T* xg = xp.data() + (b * g.time + t) * 3 * H;
        const T* hg = hp.data() + i * 3 * H;
        T* saved = gates + (s * B + i) * 4 * H;
        T* y = out + (b * g.time + t) * out_ld + out_col;
        for (int64_t j = 0; j < H; ++j) {
          const T r = sigmoid(xg[j] + hg[j] + b_hh[j]);
          const T z = sigmoid(xg[H + j] + hg[H + j] + b_hh[H + j]);
          const T hn = hg[2 * H + j] + b_hh[2 * H + j];
          const T n = std::tanh(xg[2 * H + j] + r * hn);
          y[j] = (T(1) - z) * n + z * h[i * H + j];
          saved[j] = r;
          saved[H + j] = z;
          saved[2 * H + j] = n;
          saved[3 * H + j] = hn;
        }
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
  const int64_t B = g.batch, H = g.hidden, BT = g.batch * g.time;
  // Gradients of the gate pre-activations. dgx [B·T, 3H] (input side, zero at padding) and
  // dgh [active, 3H] (recurrent side of one step); they differ only in the n block, where the
  // recurrent side is scaled by r: ∂/∂(W_hn h + b_hn) = r ⊙ ∂/∂(pre-activation of n).
  Scratch<T> dgx(BT * 3 * H, T(0)), dgh(B * 3 * H, T(0));
  Scratch<T> dh(B * H);  // ∂L/∂h after the current step, per row; starts as ∂L/∂h_n
  for (int64_t i = 0; i < B; ++i) std::copy(d_h_n + g.order[i] * H, d_h_n + (g.order[i] + 1) * H, dh.data() + i * H);
  std::fill(dw_hh, dw_hh + 3 * H * H, T(0));
  std::fill(db_hh, db_hh + 3 * H, T(0));
  for (int64_t s = g.steps - 1; s >= 0; --s) {
    const int64_t active = g.active(s);
    const T* h_prev = states + s * B * H;
    parallel_for(active, row_grain(H), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const int64_t b = g.order[i], t = g.time_at(b, s);
        const T* saved = gates + (s * B + i) * 4 * H;
        const T* dy = d_out + (b * g.time + t) * out_ld + out_col;
        T* gx = dgx.data() + (b * g.time + t) * 3 * H;
        T* gh = dgh.data() + i * 3 * H;
        for (int64_t j = 0; j < H; ++j) {
          const T r = saved[j], z = saved[H + j], n = saved[2 * H + j], hn = saved[3 * H + j];
          const T dh_new = dh[i * H + j] + dy[j];
          // h' = (1 − z) n + z h:  ∂n = (1 − z) dh', ∂z = (h − n) dh', ∂h (direct) = z dh'.
          const T d_npre = dh_new * (T(1) - z) * (T(1) - n * n);  // through tanh
          const T d_rpre = d_npre * hn * r * (T(1) - r);          // n_pre = x_n + r hn
          const T d_zpre = dh_new * (h_prev[i * H + j] - n) * z * (T(1) - z);
          gx[j] = gh[j] = d_rpre;
          gx[H + j] = gh[H + j] = d_zpre;
          gx[2 * H + j] = d_npre;
          gh[2 * H + j] = d_npre * r;
          dh[i * H + j] = dh_new * z;
        }
      }
    });
    add_column_sums(dgh.data(), active, 3 * H, db_hh);
    if (s == 0) break;  // h before step 0 is the constant zero state: no more terms
    // dh += dgh W_hh;  dW_hh += dghᵀ h_prev (active rows only).
    gemm<T>(false, false, active, H, 3 * H, dgh.data(), 3 * H, w_hh, H, T(1), dh.data(), H);
    gemm<T>(true, false, 3 * H, H, active, dgh.data(), 3 * H, h_prev, H, T(1), dw_hh, H);
  }
  // Input side, once for all steps: dW_ih = dgxᵀ x, db_ih = Σ rows of dgx, dx += dgx W_ih.
  gemm<T>(true, false, 3 * H, g.input, BT, dgx.data(), 3 * H, x, g.input, T(0), dw_ih, g.input);
  std::fill(db_ih, db_ih + 3 * H, T(0));
  add_column_sums(dgx.data(), BT, 3 * H, db_ih);
  if (dx) gemm<T>(false, false, BT, g.input, 3 * H, dgx.data(), 3 * H, w_ih, g.input, T(1), dx, g.input);
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
