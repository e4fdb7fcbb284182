// The reduction kernels of the CUDA backend (reduce_kernels.h): sum, mean, L2 norm, max with its
// index, the one-hot mask, softmax, log-sum-exp and the sum of squares. Every output is combined in
// a fixed order (no atomics): by one thread in increasing r, the CPU's order, or by a group of
// kGroup threads, each lane combining r = lane, lane + kGroup, ... in order, then the lanes merged
// in a fixed binary tree. The formulas and accumulation types are cpu/reduce_kernel.h's,
// cpu/max_kernel.h's and cpu/softmax_kernel.h's; products are rounded before they are added (no
// fused multiply-add), as the CPU rounds them.
#include <cmath>
#include <type_traits>

#include "framework/cuda/grid_stride.h"
#include "framework/cuda/reduce_kernels.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

constexpr int kGroup = 256;  // threads per output on the grouped path (a power of two)

// The grouped path pays off when few outputs would leave most of the GPU idle while each thread
// walked a long row; otherwise one thread per output keeps the CPU's order bit for bit.
bool grouped(const RowLayout& layout) { return layout.reduced >= 1024 && layout.outer * layout.inner <= 32768; }

// With G == 1 each thread owns outputs thread_index(), + thread_count(), ...; with G > 1 the
// block of G threads owns outputs blockIdx.x, + gridDim.x, ... and threadIdx.x is its lane.
template <int G>
__device__ inline int64_t first_output() {
  return G == 1 ? thread_index() : static_cast<int64_t>(blockIdx.x);
}
template <int G>
__device__ inline int64_t output_stride() {
  return G == 1 ? thread_count() : static_cast<int64_t>(gridDim.x);
}
template <int G>
__device__ inline int lane() {
  return G == 1 ? 0 : static_cast<int>(threadIdx.x);
}

// Merges the G lanes' values with Op::merge in a fixed tree (lane l with lane l + s for s = G/2,
// G/4, ..., 1) and gives every lane the result. `shared` holds G values; every lane of the block
// must call it (the loop over outputs is the same for all lanes).
template <int G, typename Op, typename Acc>
__device__ Acc group_merge(Acc mine, Acc* shared) {
  if constexpr (G == 1) {
    return mine;
  } else {
    const int l = static_cast<int>(threadIdx.x);
    shared[l] = mine;
    __syncthreads();
    for (int s = G / 2; s > 0; s /= 2) {
      if (l < s) shared[l] = Op::merge(shared[l], shared[l + s]);
      __syncthreads();
    }
    const Acc total = shared[0];
    __syncthreads();  // shared is reused by the next merge
    return total;
  }
}

// The math functions by type: expf/sqrtf for float (as std::exp/std::sqrt of a float), the double
// ones for double. sqrt is correctly rounded in both (nvcc's default -prec-sqrt=true).
__device__ inline float exp_of(float v) { return expf(v); }
__device__ inline double exp_of(double v) { return exp(v); }
__device__ inline float sqrt_of(float v) { return sqrtf(v); }
__device__ inline double sqrt_of(double v) { return sqrt(v); }
// acc + v · v with the product rounded first, as the CPU computes it.
__device__ inline float add_square(float acc, float v) { return __fadd_rn(acc, __fmul_rn(v, v)); }
__device__ inline double add_square(double acc, double v) { return __dadd_rn(acc, __dmul_rn(v, v)); }
template <typename T>
__device__ inline T minus_infinity() {
  return -static_cast<T>(INFINITY);
}

// ---- sum, mean, L2 norm ----------------------------------------------------------------------

template <typename A>
struct Add {
  __device__ static A merge(A a, A b) { return a + b; }
};

template <typename T>
struct SumOp : Add<double> {
  using Acc = double;
  __device__ static double combine(double acc, T v) { return acc + static_cast<double>(v); }
  __device__ static double finish(double acc, int64_t) { return acc; }
};

template <typename T>
struct MeanOp : SumOp<T> {
  __device__ static double finish(double acc, int64_t count) { return acc / static_cast<double>(count); }
};

template <typename T>
struct L2NormOp : Add<T> {
  using Acc = T;
  __device__ static T combine(T acc, T v) { return add_square(acc, v); }
  __device__ static T finish(T acc, int64_t) { return sqrt_of(acc); }
};

// out[o, i] = finish(combine(...combine(0, in[o, 0, i])..., in[o, R-1, i]), R) (cpu::reduce).
template <typename T, typename Op, int G>
__global__ void reduce_kernel(RowLayout L, const T* in, T* out) {
  using Acc = typename Op::Acc;
  __shared__ Acc shared[G];
  const int64_t outputs = L.outer * L.inner;
  for (int64_t k = first_output<G>(); k < outputs; k += output_stride<G>()) {
    const int64_t o = k / L.inner, i = k - o * L.inner;
    const T* row = in + o * L.reduced * L.inner + i;
    Acc acc = Acc(0);
    for (int64_t r = lane<G>(); r < L.reduced; r += G) acc = Op::combine(acc, row[r * L.inner]);
    acc = group_merge<G, Op>(acc, shared);
    if (lane<G>() == 0) out[k] = static_cast<T>(Op::finish(acc, L.reduced));
  }
}

// ---- max with index ----------------------------------------------------------------------------

// A candidate maximum: the value and its r (-1: no element seen yet).
template <typename T>
struct Best {
  T value;
  int64_t index;
};

template <typename T>
struct BestOp {
  // The better of two candidates from disjoint sets of r: a NaN beats any number, a larger value
  // beats a smaller one, and between equals (or two NaNs) the smaller r wins. So the merge gives
  // the first NaN if any, else the first r reaching the maximum, whatever the lanes' split.
  __device__ static Best<T> merge(Best<T> a, Best<T> b) {
    if (a.index < 0) return b;
    if (b.index < 0) return a;
    const bool a_nan = isnan(a.value), b_nan = isnan(b.value);
    if (a_nan != b_nan) return a_nan ? a : b;
    if (!a_nan) {
      if (a.value > b.value) return a;
      if (b.value > a.value) return b;
    }
    return a.index < b.index ? a : b;
  }
};

// cpu::max_with_index per lane: the first element, then strictly larger ones or a NaN, stopping
// at the first NaN.
template <typename T, int G>
__global__ void max_kernel(RowLayout L, const T* in, T* values, int64_t* indices) {
  __shared__ Best<T> shared[G];
  const int64_t outputs = L.outer * L.inner;
  for (int64_t k = first_output<G>(); k < outputs; k += output_stride<G>()) {
    const int64_t o = k / L.inner, i = k - o * L.inner;
    const T* row = in + o * L.reduced * L.inner + i;
    Best<T> best{T(0), -1};
    for (int64_t r = lane<G>(); r < L.reduced && !(best.index >= 0 && isnan(best.value)); r += G) {
      const T v = row[r * L.inner];
      if (best.index < 0 || v > best.value || isnan(v)) best = Best<T>{v, r};  // strict: ties keep the first
    }
    best = group_merge<G, BestOp<T>>(best, shared);
    if (lane<G>() == 0) {
      values[k] = best.value;
      indices[k] = best.index;
    }
  }
}

// out[o, r, i] = (r == indices[o, i]) (cpu::one_hot_along), one thread per element.
template <typename T>
__global__ void one_hot_kernel(RowLayout L, const int64_t* indices, T* out) {
  const int64_t total = L.outer * L.reduced * L.inner;
  for (int64_t e = thread_index(); e < total; e += thread_count()) {
    const int64_t i = e % L.inner, q = e / L.inner, r = q % L.reduced, o = q / L.reduced;
    out[e] = indices[o * L.inner + i] == r ? T(1) : T(0);
  }
}

// ---- softmax and log-sum-exp -------------------------------------------------------------------

// The largest of two lanes' maxima, a NaN propagating (detail::row_max).
template <typename T>
struct MaxOp {
  __device__ static T merge(T a, T b) {
    if (isnan(a)) return a;
    if (isnan(b)) return b;
    return b > a ? b : a;
  }
};

// This lane's part of detail::row_max: −inf, then any larger value or a NaN.
template <typename T, int G>
__device__ T lane_max(const T* row, const RowLayout& L) {
  T m = minus_infinity<T>();
  for (int64_t r = lane<G>(); r < L.reduced; r += G) {
    const T v = row[r * L.inner];
    if (v > m || isnan(v)) m = v;
  }
  return m;
}

// logsumexp(x) = m + log Σ_r exp(x_r − m), m the maximum, replaced by 0 when infinite (so all −inf
// gives −inf and any +inf gives +inf); x_r − m and exp in T, the sum in double (logsumexp_along).
template <typename T, int G>
__global__ void logsumexp_kernel(RowLayout L, const T* in, T* out) {
  __shared__ T shared_max[G];
  __shared__ double shared_sum[G];
  const int64_t outputs = L.outer * L.inner;
  for (int64_t k = first_output<G>(); k < outputs; k += output_stride<G>()) {
    const int64_t o = k / L.inner, i = k - o * L.inner;
    const T* row = in + o * L.reduced * L.inner + i;
    T m = group_merge<G, MaxOp<T>>(lane_max<T, G>(row, L), shared_max);
    if (isinf(m)) m = T(0);
    double s = 0.0;
    for (int64_t r = lane<G>(); r < L.reduced; r += G) s += exp_of(row[r * L.inner] - m);
    s = group_merge<G, Add<double>>(s, shared_sum);
    if (lane<G>() == 0) out[k] = static_cast<T>(static_cast<double>(m) + log(s));
  }
}

// softmax(x)_r = exp(x_r − m) / Σ_r' exp(x_r' − m): e = exp(x_r − m) in T is written first and
// summed in double, then each e is divided by the sum in double (softmax_along); a row that is
// all −inf (or holds +inf or nan) gives nan.
template <typename T, int G>
__global__ void softmax_kernel(RowLayout L, const T* in, T* out) {
  __shared__ T shared_max[G];
  __shared__ double shared_sum[G];
  const int64_t outputs = L.outer * L.inner;
  for (int64_t k = first_output<G>(); k < outputs; k += output_stride<G>()) {
    const int64_t o = k / L.inner, i = k - o * L.inner;
    const int64_t start = o * L.reduced * L.inner + i;
    const T* row = in + start;
    T* out_row = out + start;
    const T m = group_merge<G, MaxOp<T>>(lane_max<T, G>(row, L), shared_max);
    double s = 0.0;
    for (int64_t r = lane<G>(); r < L.reduced; r += G) {
      const T e = exp_of(row[r * L.inner] - m);
      out_row[r * L.inner] = e;
      s += e;
    }
    s = group_merge<G, Add<double>>(s, shared_sum);
    // Each lane rereads only what it wrote itself.
    for (int64_t r = lane<G>(); r < L.reduced; r += G)
      out_row[r * L.inner] = static_cast<T>(static_cast<double>(out_row[r * L.inner]) / s);
  }
}

// ---- sum of squares ----------------------------------------------------------------------------

// partial[b] = Σ x² over block b = [b · kSquaresBlock, ...), one group of kGroup lanes per block.
template <typename T>
__global__ void squares_kernel(const T* in, int64_t n, double* partial) {
  __shared__ double shared[kGroup];
  const int64_t blocks = (n + kSquaresBlock - 1) / kSquaresBlock;
  for (int64_t b = blockIdx.x; b < blocks; b += gridDim.x) {
    const int64_t begin = b * kSquaresBlock, end = n - begin < kSquaresBlock ? n : begin + kSquaresBlock;
    double s = 0.0;
    for (int64_t j = begin + threadIdx.x; j < end; j += kGroup) s = add_square(s, static_cast<double>(in[j]));
    s = group_merge<kGroup, Add<double>>(s, shared);
    if (threadIdx.x == 0) partial[b] = s;
  }
}

// partial[count] = partial[0] + ... + partial[count - 1], added in order by one thread.
__global__ void ordered_total_kernel(double* partial, int64_t count) {
  if (thread_index() != 0) return;
  double total = 0.0;
  for (int64_t b = 0; b < count; ++b) total += partial[b];
  partial[count] = total;
}

// ---- launches ----------------------------------------------------------------------------------

// Launches the one-thread-per-output kernel or the grouped one over layout's outputs.
template <typename... Args>
void launch_rows(const RowLayout& layout, void (*single)(Args...), void (*group)(Args...), const char* kernel,
                 const char* op, std::type_identity_t<Args>... args) {
  const int64_t outputs = layout.outer * layout.inner;
  if (outputs == 0) return;
  if (grouped(layout)) group<<<blocks_for(outputs, 1), kGroup, 0, stream()>>>(args...);
  else single<<<blocks_for(outputs, kThreads), kThreads, 0, stream()>>>(args...);
  check_launch(kernel, op);
}

template <typename T, typename Op>
void launch_reduce(const RowLayout& layout, const T* in, T* out, const char* op) {
  launch_rows(layout, reduce_kernel<T, Op, 1>, reduce_kernel<T, Op, kGroup>, "reduce_kernel", op, layout, in, out);
}

}  // namespace

template <typename T>
void reduce_rows(RowReduce reduce, const RowLayout& layout, const T* in, T* out, const char* op) {
  switch (reduce) {
    case RowReduce::Sum: return launch_reduce<T, SumOp<T>>(layout, in, out, op);
    case RowReduce::Mean: return launch_reduce<T, MeanOp<T>>(layout, in, out, op);
    case RowReduce::L2Norm: return launch_reduce<T, L2NormOp<T>>(layout, in, out, op);
  }
}

template <typename T>
void max_rows(const RowLayout& layout, const T* in, T* values, int64_t* indices, const char* op) {
  launch_rows(layout, max_kernel<T, 1>, max_kernel<T, kGroup>, "max_kernel", op, layout, in, values, indices);
}

template <typename T>
void one_hot_rows(const RowLayout& layout, const int64_t* indices, T* out, const char* op) {
  const int64_t total = layout.outer * layout.reduced * layout.inner;
  if (total == 0) return;
  one_hot_kernel<T><<<blocks_for(total, kThreads), kThreads, 0, stream()>>>(layout, indices, out);
  check_launch("one_hot_kernel", op);
}

template <typename T>
void softmax_rows(const RowLayout& layout, const T* in, T* out, const char* op) {
  if (layout.reduced == 0) return;  // nothing to write
  launch_rows(layout, softmax_kernel<T, 1>, softmax_kernel<T, kGroup>, "softmax_kernel", op, layout, in, out);
}

template <typename T>
void logsumexp_rows(const RowLayout& layout, const T* in, T* out, const char* op) {
  launch_rows(layout, logsumexp_kernel<T, 1>, logsumexp_kernel<T, kGroup>, "logsumexp_kernel", op, layout, in, out);
}

template <typename T>
void sum_of_squares_rows(const T* in, int64_t n, double* buffer, const char* op) {
  const int64_t blocks = squares_partials(n);
  if (blocks > 0) {
    squares_kernel<T><<<blocks_for(blocks, 1), kGroup, 0, stream()>>>(in, n, buffer);
    check_launch("squares_kernel", op);
  }
  ordered_total_kernel<<<1, 1, 0, stream()>>>(buffer, blocks);
  check_launch("ordered_total_kernel", op);
}

#define FW_INSTANTIATE_REDUCE_KERNELS(T)                                                         \
  template void reduce_rows<T>(RowReduce, const RowLayout&, const T*, T*, const char*);          \
  template void max_rows<T>(const RowLayout&, const T*, T*, int64_t*, const char*);              \
  template void one_hot_rows<T>(const RowLayout&, const int64_t*, T*, const char*);              \
  template void softmax_rows<T>(const RowLayout&, const T*, T*, const char*);                    \
  template void logsumexp_rows<T>(const RowLayout&, const T*, T*, const char*);                  \
  template void sum_of_squares_rows<T>(const T*, int64_t, double*, const char*);
FW_INSTANTIATE_REDUCE_KERNELS(float)
FW_INSTANTIATE_REDUCE_KERNELS(double)
#undef FW_INSTANTIATE_REDUCE_KERNELS

}  // namespace fw::cuda
