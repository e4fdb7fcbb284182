#pragma once
// The per-pair math of SCAN's cross attention (framework/ops/cross_attention.h) as CUDA device
// code: one thread block computes one (image, caption) pair at a time, forward and backward,
// with exactly the formulas, epsilons and summation orders of the CPU kernel
// (framework/cpu/cross_attention_kernel.cpp). Included by cross_attention.cu only (device code).
//
// A pair is seen from the attention's side, as on the CPU: nq query elements (normalised over,
// then aggregated over) and ns context elements (the attention softmax runs over them);
//   t2i: query = the L_c words, context = the R regions;  i2t: query = the R regions, context = the L_c words.
// With A[s, q] = context_s · query_q and G = the context Gram matrix, the attended vector
// a_q = Σ_s α[s, q] context_s is never formed: query_q · a_q = Σ_s α A,  ‖a_q‖² = α_qᵀ G α_q.
//
// Every sum runs sequentially in one thread in the CPU's order (over s for a column q, over q
// for a row s, over t for (G α)[s, q]), so the per-pair results differ from the CPU's only by
// the rounding of exp/log and fused multiply-adds.
#include <cmath>
#include <cstdint>

#include "framework/backend/cross_attention_options.h"

namespace fw::cuda::xattn {

constexpr int kThreads = 128;  // threads per pair block

// The settings, in the kernel's precision.
template <typename Real>
struct Params {
  RawFeatureNorm norm;
  Aggregation agg;
  Real lambda;  // λ1
  Real lse;     // λ2
};

// Where each per-pair array lives in the block's workspace (shared memory, or a global slot when
// it does not fit), in elements of Real. The [ns, nq] arrays are context-major, element [s, q] at
// s·ld + q, ld = max nq rounded up to an odd number (a thread per row s then hits distinct banks).
struct Layout {
  int max_nq = 0, max_ns = 0, ld = 0;
  int64_t raw = 0, normed = 0, alpha = 0, work = 0, gram = 0, vec = 0, size = 0;
};

// The per-query vectors (kVectors of them, max_nq each) after Layout::vec.
enum Vector : int { kDot, kANorm, kQNorm, kDenom, kCosine, kDDot, kDSq, kWeighted, kVectors };

inline Layout make_layout(int max_nq, int max_ns) {
  Layout l;
  l.max_nq = max_nq;
  l.max_ns = max_ns;
  l.ld = max_nq % 2 == 1 ? max_nq : max_nq + 1;
  const int64_t block = static_cast<int64_t>(max_ns) * l.ld;
  l.raw = 0;
  l.normed = block;
  l.alpha = 2 * block;
  l.work = 3 * block;  // G α in the forward; dα, then dĀ, then dA from the first normalisation in the backward
  l.gram = 4 * block;  // [ns, ns], row stride ns, made exactly symmetric
  l.vec = l.gram + static_cast<int64_t>(max_ns) * max_ns;
  l.size = l.vec + static_cast<int64_t>(kVectors) * max_nq;
  return l;
}

// Sizes and inputs of one launch over a chunk of images [i0, i0 + ni) × all captions; local pair
// p = (i − i0)·n_cap + c. raw is the chunk's [ni·R, tokens] block of the raw scores.
template <typename Real>
struct Args {
  int64_t n_cap = 0, R = 0, tokens = 0, crows = 0, qrows = 0, i0 = 0, n_pairs = 0;
  bool t2i = true;
  const int64_t* lens = nullptr;     // [n_cap]
  const int64_t* offsets = nullptr;  // [n_cap]: first column of caption c in the raw scores
  const Real* raw = nullptr;
  const Real* gram = nullptr;          // [n_context, crows, crows]
  const Real* query_sqnorm = nullptr;  // [n_query, qrows]
  Params<Real> params{};
  Layout layout{};
  Real* global_ws = nullptr;  // gridDim.x slots of layout.size, when shared memory is too small
  // Forward outputs (each may be null): scores [n_img, n_cap], weights [n_img, n_cap, qrows, crows].
  Real* scores = nullptr;
  Real* weights = nullptr;
  // Backward: d_scores[i, c] at i·ds0 + c·ds1; outputs per local pair: d_raw (the chunk's
  // [ni·R, tokens]), d_gram_part [n_pairs, crows, crows], d_query_part [n_pairs, qrows].
  const Real* d_scores = nullptr;
  int64_t ds0 = 0, ds1 = 0;
  Real* d_raw = nullptr;
  Real* d_gram_part = nullptr;
  Real* d_query_part = nullptr;
};

// One pair's place in the inputs.
struct PairView {
  int64_t local = 0, i = 0, c = 0;
  int nq = 0, ns = 0;
  int64_t raw_base = 0, raw_s = 0, raw_q = 0;  // A[s, q] = raw[raw_base + s·raw_s + q·raw_q]
  int64_t gram_base = 0, query_base = 0;
};

template <typename Real>
__device__ PairView pair_view(const Args<Real>& a, int64_t local) {
  PairView p;
  p.local = local;
  const int64_t il = local / a.n_cap;
  p.c = local % a.n_cap;
  p.i = a.i0 + il;
  const int64_t len = a.lens[p.c];
  p.nq = static_cast<int>(a.t2i ? len : a.R);
  p.ns = static_cast<int>(a.t2i ? a.R : len);
  // raw[(il·R + r)·tokens + offsets[c] + j] = v_r · e_j; t2i: s = r, q = j; i2t: s = j, q = r.
  p.raw_base = il * a.R * a.tokens + a.offsets[p.c];
  p.raw_s = a.t2i ? a.tokens : 1;
  p.raw_q = a.t2i ? 1 : a.tokens;
  p.gram_base = (a.t2i ? p.i : p.c) * a.crows * a.crows;
  p.query_base = (a.t2i ? p.c : p.i) * a.qrows;
  return p;
}

// The block's views of its workspace.
template <typename Real>
struct Workspace {
  Real *raw, *normed, *alpha, *work, *gram, *vec;
  int ld, max_nq;
  __device__ Real* v(Vector which) const { return vec + static_cast<int64_t>(which) * max_nq; }
};

template <typename Real>
__device__ Workspace<Real> workspace(const Layout& l, Real* base) {
  return {base + l.raw, base + l.normed, base + l.alpha, base + l.work, base + l.gram, base + l.vec, l.ld, l.max_nq};
}

// What thread 0 finds about the cosines, for the aggregation and its backward.
template <typename Real>
struct PairScalars {
  Real max, sum, score;
  int argmax;
};

// ---- elementary functions in the precision Real --------------------------------------------

__device__ inline float exp_of(float x) { return expf(x); }
__device__ inline double exp_of(double x) { return exp(x); }
__device__ inline float log_of(float x) { return logf(x); }
__device__ inline double log_of(double x) { return log(x); }
__device__ inline float sqrt_of(float x) { return sqrtf(x); }
__device__ inline double sqrt_of(double x) { return sqrt(x); }
__device__ inline float abs_of(float x) { return fabsf(x); }
__device__ inline double abs_of(double x) { return fabs(x); }
// A product rounded on its own (never fused into a following add), as the CPU computes it.
__device__ inline float mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ inline double mul_rn(double a, double b) { return __dmul_rn(a, b); }

// The constants of the original (cpu/cross_attention_kernel.cpp).
template <typename Real>
__device__ constexpr Real leaky_slope_value() {
  return Real(0.1);  // "clipped" is LeakyReLU(0.1), not a hard ReLU
}
template <typename Real>
__device__ constexpr Real norm_eps() {
  return Real(1e-8);  // l2norm: x / (sqrt(Σx²) + eps); l1norm: x / (Σ|x| + eps)
}
template <typename Real>
__device__ constexpr Real cosine_eps() {
  return Real(1e-8);  // cos = x·y / max(‖x‖ ‖y‖, eps)
}

__device__ inline bool clips(RawFeatureNorm norm) {
  return norm == RawFeatureNorm::ClippedL2Norm || norm == RawFeatureNorm::Clipped ||
         norm == RawFeatureNorm::ClippedL1Norm;
}
template <typename Real>
__device__ Real leaky(Real x) {
  return x > 0 ? x : leaky_slope_value<Real>() * x;
}
template <typename Real>
__device__ Real leaky_slope(Real x) {
  return x > 0 ? Real(1) : leaky_slope_value<Real>();
}
template <typename Real>
__device__ Real sign_of(Real x) {
  return static_cast<Real>((x > 0) - (x < 0));
}
// std::max / std::min semantics ((a < b) ? b : a): a NaN first argument is kept.
template <typename Real>
__device__ Real max_of(Real a, Real b) {
  return a < b ? b : a;
}

// ---- the forward of one pair ---------------------------------------------------------------

// A[s, q], the symmetric context Gram G[s, t] (from the GEMM's upper triangle, as the CPU) and ‖query_q‖.
template <typename Real>
__device__ void load_pair(const Args<Real>& a, const PairView& p, const Workspace<Real>& w) {
  const int n = p.nq * p.ns;
  for (int k = threadIdx.x; k < n; k += blockDim.x) {
    // The index that runs along memory is the fastest: q for t2i, s for i2t.
    const int s = a.t2i ? k / p.nq : k % p.ns, q = a.t2i ? k % p.nq : k / p.ns;
    w.raw[s * w.ld + q] = a.raw[p.raw_base + s * p.raw_s + q * p.raw_q];
  }
  for (int k = threadIdx.x; k < p.ns * p.ns; k += blockDim.x) {
    const int s = k / p.ns, t = k % p.ns;
    const int lo = s < t ? s : t, hi = s < t ? t : s;
    w.gram[k] = a.gram[p.gram_base + lo * a.crows + hi];
  }
  Real* q_norm = w.v(kQNorm);
  for (int q = threadIdx.x; q < p.nq; q += blockDim.x)
    q_norm[q] = sqrt_of(max_of(a.query_sqnorm[p.query_base + q], Real(0)));
  __syncthreads();
}

// y = N(x) for one row of n raw scores (cpu normalise_row), sums in ascending q.
template <typename Real>
__device__ void normalise_row(const Real* x, Real* y, int n, RawFeatureNorm norm) {
  for (int q = 0; q < n; ++q) y[q] = clips(norm) ? leaky(x[q]) : x[q];
  switch (norm) {
    case RawFeatureNorm::Softmax: {
      Real m = y[0];  // the first maximum, as std::max_element
      for (int q = 1; q < n; ++q) m = m < y[q] ? y[q] : m;
      Real sum = 0;
      for (int q = 0; q < n; ++q) sum += (y[q] = exp_of(y[q] - m));
      for (int q = 0; q < n; ++q) y[q] /= sum;
      break;
    }
    case RawFeatureNorm::L2Norm:
    case RawFeatureNorm::ClippedL2Norm: {
      Real sq = 0;
      for (int q = 0; q < n; ++q) sq += y[q] * y[q];
      const Real k = sqrt_of(sq) + norm_eps<Real>();
      for (int q = 0; q < n; ++q) y[q] /= k;
      break;
    }
    case RawFeatureNorm::L1Norm:
    case RawFeatureNorm::ClippedL1Norm: {
      Real l1 = 0;
      for (int q = 0; q < n; ++q) l1 += abs_of(y[q]);
      const Real k = l1 + norm_eps<Real>();
      for (int q = 0; q < n; ++q) y[q] /= k;
      break;
    }
    case RawFeatureNorm::Clipped:
    case RawFeatureNorm::NoNorm: break;
  }
}

// Ā = N(A) row by row, then α[s, q] = softmax over s of λ1 Ā[s, q], one thread per column q.
template <typename Real>
__device__ void attention(const Params<Real>& params, const PairView& p, const Workspace<Real>& w) {
  for (int s = threadIdx.x; s < p.ns; s += blockDim.x)
    normalise_row(w.raw + s * w.ld, w.normed + s * w.ld, p.nq, params.norm);
  __syncthreads();
  for (int q = threadIdx.x; q < p.nq; q += blockDim.x) {
    Real m = Real(-INFINITY);
    for (int s = 0; s < p.ns; ++s) {
      const Real v = mul_rn(params.lambda, w.normed[s * w.ld + q]);
      m = m < v ? v : m;
    }
    Real sum = 0;
    for (int s = 0; s < p.ns; ++s) {
      const Real e = exp_of(mul_rn(params.lambda, w.normed[s * w.ld + q]) - m);
      w.alpha[s * w.ld + q] = e;
      sum += e;
    }
    for (int s = 0; s < p.ns; ++s) w.alpha[s * w.ld + q] /= sum;
  }
  __syncthreads();
}

// work[s, q] = (G α_q)[s] = Σ_t G[s, t] α[t, q], then per q: p = Σ_s α A, ‖a‖² = Σ_s α (G α),
// R_q = p / max(‖a‖ ‖query‖, eps) (‖a‖² clamped at 0 against rounding).
template <typename Real>
__device__ void cosines(const PairView& p, const Workspace<Real>& w) {
  for (int k = threadIdx.x; k < p.ns * p.nq; k += blockDim.x) {
    const int s = k / p.nq, q = k % p.nq;
    Real acc = 0;
    for (int t = 0; t < p.ns; ++t) acc += w.alpha[t * w.ld + q] * w.gram[s * p.ns + t];
    w.work[s * w.ld + q] = acc;
  }
  __syncthreads();
  Real *dot = w.v(kDot), *a_norm = w.v(kANorm), *denom = w.v(kDenom), *cosine = w.v(kCosine);
  const Real* q_norm = w.v(kQNorm);
  for (int q = threadIdx.x; q < p.nq; q += blockDim.x) {
    Real pq = 0, sq = 0;
    for (int s = 0; s < p.ns; ++s) {
      const Real alpha = w.alpha[s * w.ld + q];
      pq += alpha * w.raw[s * w.ld + q];
      sq += alpha * w.work[s * w.ld + q];
    }
    dot[q] = pq;
    a_norm[q] = sqrt_of(max_of(sq, Real(0)));
    denom[q] = max_of(a_norm[q] * q_norm[q], cosine_eps<Real>());
    cosine[q] = pq / denom[q];
  }
  __syncthreads();
}

// S from the nq cosines, by thread 0 in the CPU's order; LogSumExp is m + (1/λ2) log Σ exp(λ2 (R − m)).
template <typename Real>
__device__ void aggregate(const Params<Real>& params, const PairView& p, const Workspace<Real>& w,
                          PairScalars<Real>& out) {
  if (threadIdx.x == 0) {
    const Real* r = w.v(kCosine);
    Real m = r[0];
    int arg = 0;
    for (int q = 1; q < p.nq; ++q)
      if (m < r[q]) m = r[q], arg = q;  // the first maximum, as std::max_element
    Real sum = 0, score = 0;
    switch (params.agg) {
      case Aggregation::LogSumExp:
        for (int q = 0; q < p.nq; ++q) sum += exp_of(params.lse * (r[q] - m));
        score = m + log_of(sum) / params.lse;
        break;
      case Aggregation::Mean:
        for (int q = 0; q < p.nq; ++q) sum += r[q];
        score = sum / static_cast<Real>(p.nq);
        break;
      case Aggregation::Max: score = m; break;
      case Aggregation::Sum:
        for (int q = 0; q < p.nq; ++q) sum += r[q];
        score = sum;
        break;
    }
    out = {m, sum, score, arg};
  }
  __syncthreads();
}

template <typename Real>
__device__ void pair_forward(const Args<Real>& a, const PairView& p, const Workspace<Real>& w,
                             PairScalars<Real>& scalars) {
  load_pair(a, p, w);
  attention(a.params, p, w);
  cosines(p, w);
  aggregate(a.params, p, w, scalars);
}

// ---- the backward of one pair (cpu pair_backward) ------------------------------------------
// Per query element q, with D = max(‖a‖ ‖query‖, eps):
//   R = p / D                 dp = dR / D;  when ‖a‖‖query‖ > eps: dD = −dR p / D², d‖a‖ = dD ‖query‖,
//                             d‖query‖ = dD ‖a‖ (else both 0)
//   ‖a‖ = sqrt(sq)            dsq = d‖a‖ / (2‖a‖);  d‖query‖² = d‖query‖ / (2‖query‖)
//   p = Σ_s α_s A[s, q]       dα_s += dp A[s, q],   dA[s, q] += dp α_s
//   sq = αᵀ G α               dα += 2 dsq G α,      dG += dsq α αᵀ
//   α = softmax_s(λ1 Ā)       dĀ[s, q] = λ1 α_s (dα_s − Σ_t α_t dα_t)
// then dA[s, :] += (∂Ā[s, :]/∂A[s, :])ᵀ dĀ[s, :] for every context row s.

// dR (aggregation backward), then dp, dsq (kept) and d‖query‖² (written, zero past nq).
template <typename Real>
__device__ void cosine_backward(const Args<Real>& a, const PairView& p, const Workspace<Real>& w,
                                const PairScalars<Real>& sc, Real d_score) {
  const Real *r = w.v(kCosine), *dot = w.v(kDot), *a_norm = w.v(kANorm), *q_norm = w.v(kQNorm);
  const Real* denom = w.v(kDenom);
  Real *d_dot = w.v(kDDot), *d_sq = w.v(kDSq);
  Real* d_query = a.d_query_part + p.local * a.qrows;
  for (int q = threadIdx.x; q < a.qrows; q += blockDim.x) {
    if (q >= p.nq) {
      d_query[q] = 0;
      continue;
    }
    Real dr = 0;  // ∂S/∂R_q · dS: LogSumExp softmax(λ2 R); Mean 1/n; Sum 1; Max one-hot at the first maximum
    switch (a.params.agg) {
      case Aggregation::LogSumExp: dr = exp_of(a.params.lse * (r[q] - sc.max)) * (d_score / sc.sum); break;
      case Aggregation::Mean: dr = d_score / static_cast<Real>(p.nq); break;
      case Aggregation::Sum: dr = d_score; break;
      case Aggregation::Max: dr = q == sc.argmax ? d_score : Real(0); break;
    }
    d_dot[q] = dr / denom[q];
    Real d_a_norm = 0, d_q_norm = 0;
    if (a_norm[q] * q_norm[q] > cosine_eps<Real>()) {
      const Real d_denom = -dr * dot[q] / (denom[q] * denom[q]);
      d_a_norm = d_denom * q_norm[q];
      d_q_norm = d_denom * a_norm[q];
    }
    d_sq[q] = a_norm[q] > 0 ? d_a_norm / (2 * a_norm[q]) : Real(0);
    d_query[q] = q_norm[q] > 0 ? d_q_norm / (2 * q_norm[q]) : Real(0);
  }
  __syncthreads();
}

// dα = dp A + 2 dsq G α (into work), then the weighted sums Σ_s α dα per q and this pair's
// dG[s, t] = Σ_q dsq_q α[s, q] α[t, q] (written [crows, crows], zero past ns).
template <typename Real>
__device__ void attention_backward(const Args<Real>& a, const PairView& p, const Workspace<Real>& w) {
  const Real *d_dot = w.v(kDDot), *d_sq = w.v(kDSq);
  for (int k = threadIdx.x; k < p.ns * p.nq; k += blockDim.x) {
    const int s = k / p.nq, q = k % p.nq, e = s * w.ld + q;
    w.work[e] = d_dot[q] * w.raw[e] + (Real(2) * d_sq[q]) * w.work[e];
  }
  __syncthreads();
  Real* weighted = w.v(kWeighted);
  for (int q = threadIdx.x; q < p.nq; q += blockDim.x) {
    Real acc = 0;
    for (int s = 0; s < p.ns; ++s) acc += w.alpha[s * w.ld + q] * w.work[s * w.ld + q];
    weighted[q] = acc;
  }
  Real* d_gram = a.d_gram_part + p.local * a.crows * a.crows;
  for (int64_t k = threadIdx.x; k < a.crows * a.crows; k += blockDim.x) {
    const int s = static_cast<int>(k / a.crows), t = static_cast<int>(k % a.crows);
    Real acc = 0;
    if (s < p.ns && t < p.ns)
      for (int q = 0; q < p.nq; ++q)
        if (d_sq[q] != 0) acc += d_sq[q] * (w.alpha[s * w.ld + q] * w.alpha[t * w.ld + q]);  // 0s skipped (CPU)
    d_gram[k] = acc;
  }
  __syncthreads();
  // dĀ[s, q] = λ1 α (dα − Σ_t α_t dα_t), in place of dα.
  for (int k = threadIdx.x; k < p.ns * p.nq; k += blockDim.x) {
    const int s = k / p.nq, q = k % p.nq, e = s * w.ld + q;
    w.work[e] = a.params.lambda * w.alpha[e] * (w.work[e] - weighted[q]);
  }
  __syncthreads();
}

// dx = (∂y/∂x)ᵀ dy for y = normalise_row(x), in place of dy (cpu normalise_row_backward). With
// b = LeakyReLU(x) for the clipped variants (db/dx = 1 if x > 0 else 0.1), b = x otherwise:
//   softmax  y = softmax(b):           db = y ⊙ (dy − Σ dy⊙y)
//   l2norm   y = b / k, k = ‖b‖ + eps:  db = dy / k − b (Σ dy⊙b) / (k² ‖b‖)
//   l1norm   y = b / k, k = Σ|b| + eps: db = dy / k − sign(b) (Σ dy⊙b) / k²
template <typename Real>
__device__ void normalise_row_backward(const Real* x, const Real* y, Real* dy, int n, RawFeatureNorm norm) {
  const bool clipped = clips(norm);
  switch (norm) {
    case RawFeatureNorm::Softmax: {
      Real dot = 0;
      for (int q = 0; q < n; ++q) dot += dy[q] * y[q];
      for (int q = 0; q < n; ++q) dy[q] = y[q] * (dy[q] - dot);
      break;
    }
    case RawFeatureNorm::L2Norm:
    case RawFeatureNorm::ClippedL2Norm: {
      Real sq = 0, dot = 0;
      for (int q = 0; q < n; ++q) {
        const Real b = clipped ? leaky(x[q]) : x[q];
        sq += b * b;
        dot += dy[q] * b;
      }
      const Real length = sqrt_of(sq), k = length + norm_eps<Real>();
      const Real c = length > 0 ? dot / (k * k * length) : Real(0);
      for (int q = 0; q < n; ++q) dy[q] = dy[q] / k - (clipped ? leaky(x[q]) : x[q]) * c;
      break;
    }
    case RawFeatureNorm::L1Norm:
    case RawFeatureNorm::ClippedL1Norm: {
      Real l1 = 0, dot = 0;
      for (int q = 0; q < n; ++q) {
        const Real b = clipped ? leaky(x[q]) : x[q];
        l1 += abs_of(b);
        dot += dy[q] * b;
      }
      const Real k = l1 + norm_eps<Real>();
      for (int q = 0; q < n; ++q) dy[q] = dy[q] / k - sign_of(clipped ? leaky(x[q]) : x[q]) * dot / (k * k);
      break;
    }
    case RawFeatureNorm::Clipped:
    case RawFeatureNorm::NoNorm: break;
  }
  if (clipped)
    for (int q = 0; q < n; ++q) dy[q] *= leaky_slope(x[q]);
}

// dA[s, q] = dp_q α[s, q] + (the first normalisation's backward of dĀ)[s, q], written to d_raw.
template <typename Real>
__device__ void raw_backward(const Args<Real>& a, const PairView& p, const Workspace<Real>& w) {
  for (int s = threadIdx.x; s < p.ns; s += blockDim.x)
    normalise_row_backward(w.raw + s * w.ld, w.normed + s * w.ld, w.work + s * w.ld, p.nq, a.params.norm);
  __syncthreads();
  const Real* d_dot = w.v(kDDot);
  for (int k = threadIdx.x; k < p.nq * p.ns; k += blockDim.x) {
    const int s = a.t2i ? k / p.nq : k % p.ns, q = a.t2i ? k % p.nq : k / p.ns, e = s * w.ld + q;
    a.d_raw[p.raw_base + s * p.raw_s + q * p.raw_q] = d_dot[q] * w.alpha[e] + w.work[e];
  }
}

template <typename Real>
__device__ void pair_backward(const Args<Real>& a, const PairView& p, const Workspace<Real>& w,
                              PairScalars<Real>& scalars) {
  pair_forward(a, p, w, scalars);  // recomputed: nothing per pair is kept from the forward
  const Real d_score = a.d_scores[p.i * a.ds0 + p.c * a.ds1];
  cosine_backward(a, p, w, scalars, d_score);
  attention_backward(a, p, w);
  raw_backward(a, p, w);
}

}  // namespace fw::cuda::xattn
