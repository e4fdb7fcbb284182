// The GRU's CUDA kernels (gru_kernels.h): the cell forward and backward of one step, the token
// packing of a padded batch, and fixed-order column sums for the bias gradients. Each thread owns
// one element, so nothing is accumulated across threads except in column_sums' fixed tree.
#include <algorithm>

#include "framework/cuda/grid_stride.h"
#include "framework/cuda/gru_kernels.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {


// The standard library functions (the CPU's float32 uses fast_math.h's approximations, within 2e-7).
__device__ inline float exp_of(float v) { return expf(v); }
__device__ inline double exp_of(double v) { return exp(v); }
__device__ inline float tanh_of(float v) { return tanhf(v); }
__device__ inline double tanh_of(double v) { return tanh(v); }
template <typename T>
__device__ inline T sigmoid(T v) {
  return T(1) / (T(1) + exp_of(-v));
}

// The time sequence b reads at step s (GruGeometry::time_at).
__device__ inline int64_t time_at(const GruTables& tb, const GruStep& st, int64_t b) {
  return st.reverse ? tb.lengths[b] - 1 - st.step : st.step;
}

// One element (row i, unit j) per loop turn. The CPU's order of additions is kept:
// x-side pre-activation (x W_ih + b_ih) first, then + W_h h, then + b_hh.
template <typename T>
__global__ void cell_forward_kernel(GruTables tb, GruStep st, GruCellForward<T> a) {
  const int64_t H = st.hidden, B = st.batch, s = st.step, total = st.active * H;
  for (int64_t idx = thread_index(); idx < total; idx += thread_count()) {
    const int64_t i = idx / H, j = idx - i * H;
    const int64_t b = tb.order[i], t = time_at(tb, st, b);
    const T* xg = a.xp + (tb.first[b] + t) * 3 * H;
    const T* hg = a.hp + i * 3 * H;
    const T h = a.states[(s * B + i) * H + j];
    const T xr = xg[j] + a.b_ih[j], xz = xg[H + j] + a.b_ih[H + j], xn = xg[2 * H + j] + a.b_ih[2 * H + j];
    const T r = sigmoid(xr + hg[j] + a.b_hh[j]);
    const T z = sigmoid(xz + hg[H + j] + a.b_hh[H + j]);
    const T hn = hg[2 * H + j] + a.b_hh[2 * H + j];
    const T n = tanh_of(xn + r * hn);
    const T y = (T(1) - z) * n + z * h;  // h' = (1 − z) ⊙ n + z ⊙ h
    a.out[(b * st.time + t) * a.out_ld + a.out_col + j] = y;
    T* saved = a.gates + (s * B + i) * 4 * H;
    saved[j] = r;
    saved[H + j] = z;
    saved[2 * H + j] = n;
    saved[3 * H + j] = hn;
    if (!st.last) a.states[((s + 1) * B + i) * H + j] = y;
    if (s == tb.lengths[b] - 1) a.h_n[b * H + j] = y;  // the sequence's last step
  }
}

// h' = (1 − z) n + z h:  ∂n = (1 − z) dh', ∂z = (h − n) dh', ∂h (direct) = z dh'; through tanh and σ
// to the pre-activations; n_pre = x_n + r hn, so ∂r = ∂n_pre hn and ∂hn = r ∂n_pre (the recurrent n block).
template <typename T>
__global__ void cell_backward_kernel(GruTables tb, GruStep st, GruCellBackward<T> a) {
  const int64_t H = st.hidden, B = st.batch, s = st.step, total = st.active * H;
  for (int64_t idx = thread_index(); idx < total; idx += thread_count()) {
    const int64_t i = idx / H, j = idx - i * H;
    const int64_t b = tb.order[i], t = time_at(tb, st, b);
    const T* saved = a.gates + (s * B + i) * 4 * H;
    const T r = saved[j], z = saved[H + j], n = saved[2 * H + j], hn = saved[3 * H + j];
    const T h_prev = a.states[(s * B + i) * H + j];
    const T dh_new = a.dh[i * H + j] + a.d_out[(b * st.time + t) * a.out_ld + a.out_col + j];
    const T d_npre = dh_new * (T(1) - z) * (T(1) - n * n);
    const T d_rpre = d_npre * hn * r * (T(1) - r);
    const T d_zpre = dh_new * (h_prev - n) * z * (T(1) - z);
    T* gx = a.dgx + (tb.first[b] + t) * 3 * H;
    T* gh = a.dgh + i * 3 * H;
    gx[j] = d_rpre;
    gh[j] = d_rpre;
    gx[H + j] = d_zpre;
    gh[H + j] = d_zpre;
    gx[2 * H + j] = d_npre;
    gh[2 * H + j] = d_npre * r;
    a.dh[i * H + j] = dh_new * z;
  }
}

template <typename T>
__global__ void gather_rows_kernel(GruTables tb, int64_t batch, int64_t hidden, const T* src, T* dst) {
  const int64_t total = batch * hidden;
  for (int64_t idx = thread_index(); idx < total; idx += thread_count()) {
    const int64_t i = idx / hidden, j = idx - i * hidden;
    dst[idx] = src[tb.order[i] * hidden + j];
  }
}

// Over every element of x [B, T, width]; only valid positions are copied (pack) or added (unpack).
template <typename T, bool kAdd>
__global__ void tokens_kernel(GruTables tb, int64_t batch, int64_t time, int64_t width, const T* from, T* to) {
  const int64_t total = batch * time * width;
  for (int64_t idx = thread_index(); idx < total; idx += thread_count()) {
    const int64_t bt = idx / width, c = idx - bt * width, b = bt / time, t = bt - b * time;
    if (t >= tb.lengths[b]) continue;
    const int64_t row = (tb.first[b] + t) * width + c;
    if constexpr (kAdd) {
      to[idx] += from[row];
    } else {
      to[row] = from[idx];
    }
  }
}

// Column sums: a block owns kSumCols columns; thread (x, y) sums rows y, y + kSumRows, ... of
// column x in increasing order, then thread (x, 0) adds the kSumRows partial sums in y order.
constexpr int kSumCols = 32, kSumRows = 32;

template <typename T>
__global__ void __launch_bounds__(kSumCols * kSumRows) column_sums_kernel(int64_t rows, int64_t cols, const T* m, T* sums) {
  __shared__ T partial[kSumRows][kSumCols + 1];
  for (int64_t c0 = blockIdx.x * static_cast<int64_t>(kSumCols); c0 < cols;
       c0 += static_cast<int64_t>(gridDim.x) * kSumCols) {
    const int64_t c = c0 + threadIdx.x;
    T acc = T(0);
    if (c < cols)
      for (int64_t r = threadIdx.y; r < rows; r += kSumRows) acc += m[r * cols + c];
    partial[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
      T total = partial[0][threadIdx.x];
      for (int k = 1; k < kSumRows; ++k) total += partial[k][threadIdx.x];
      sums[c] = total;
    }
    __syncthreads();  // partial is reused by the next tile
  }
}

}  // namespace

template <typename T>
void gru_cell_forward(const GruTables& tables, const GruStep& step, const GruCellForward<T>& args) {
  const int64_t total = step.active * step.hidden;
  if (total == 0) return;
  cell_forward_kernel<T><<<blocks_for(total), kThreads, 0, stream()>>>(tables, step, args);
  check_launch("gru_cell_forward", "gru");
}

template <typename T>
void gru_cell_backward(const GruTables& tables, const GruStep& step, const GruCellBackward<T>& args) {
  const int64_t total = step.active * step.hidden;
  if (total == 0) return;
  cell_backward_kernel<T><<<blocks_for(total), kThreads, 0, stream()>>>(tables, step, args);
  check_launch("gru_cell_backward", "gru_backward");
}

template <typename T>
void gru_gather_rows(const GruTables& tables, int64_t batch, int64_t hidden, const T* d_h_n, T* dh, const char* op) {
  const int64_t total = batch * hidden;
  if (total == 0) return;
  gather_rows_kernel<T><<<blocks_for(total), kThreads, 0, stream()>>>(tables, batch, hidden, d_h_n, dh);
  check_launch("gru_gather_rows", op);
}

template <typename T>
void gru_pack_tokens(const GruTables& tables, int64_t batch, int64_t time, int64_t width, const T* x, T* packed,
                     const char* op) {
  const int64_t total = batch * time * width;
  if (total == 0) return;
  tokens_kernel<T, false><<<blocks_for(total), kThreads, 0, stream()>>>(tables, batch, time, width, x, packed);
  check_launch("gru_pack_tokens", op);
}

template <typename T>
void gru_unpack_add(const GruTables& tables, int64_t batch, int64_t time, int64_t width, const T* packed, T* x,
                    const char* op) {
  const int64_t total = batch * time * width;
  if (total == 0) return;
  tokens_kernel<T, true><<<blocks_for(total), kThreads, 0, stream()>>>(tables, batch, time, width, packed, x);
  check_launch("gru_unpack_add", op);
}

template <typename T>
void column_sums(int64_t rows, int64_t cols, const T* m, T* sums, const char* op) {
  if (cols == 0) return;
  const auto blocks = static_cast<unsigned>(std::min<int64_t>((cols + kSumCols - 1) / kSumCols, int64_t{1} << 20));
  column_sums_kernel<T><<<blocks, dim3(kSumCols, kSumRows), 0, stream()>>>(rows, cols, m, sums);
  check_launch("column_sums", op);
}

#define FW_INSTANTIATE_GRU_KERNELS(T)                                                                          \
  template void gru_cell_forward<T>(const GruTables&, const GruStep&, const GruCellForward<T>&);              \
  template void gru_cell_backward<T>(const GruTables&, const GruStep&, const GruCellBackward<T>&);            \
  template void gru_gather_rows<T>(const GruTables&, int64_t, int64_t, const T*, T*, const char*);            \
  template void gru_pack_tokens<T>(const GruTables&, int64_t, int64_t, int64_t, const T*, T*, const char*);   \
  template void gru_unpack_add<T>(const GruTables&, int64_t, int64_t, int64_t, const T*, T*, const char*);    \
  template void column_sums<T>(int64_t, int64_t, const T*, T*, const char*);
FW_INSTANTIATE_GRU_KERNELS(float)
FW_INSTANTIATE_GRU_KERNELS(double)
#undef FW_INSTANTIATE_GRU_KERNELS

}  // namespace fw::cuda
