#include "framework/cpu/cross_attention_kernel.h"

#include "framework/cpu/cpu_clones.h"
#include "framework/cpu/fast_math.h"

#include <algorithm>
#include <cmath>
#include <cstring>

// load_lanes returns a vector type, which GCC warns would be passed differently without AVX: it
// is always inlined, so no call passes one.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace fw::cpu {

namespace {

// The constants of the original, in the precision Real of the computation.
template <typename Real>
constexpr Real kLeakySlope = Real(0.1);  // "clipped" is LeakyReLU(0.1), not a hard ReLU
template <typename Real>
constexpr Real kNormEps = Real(1e-8);  // l2norm: x / (sqrt(Σx²) + eps); l1norm: x / (Σ|x| + eps)
template <typename Real>
constexpr Real kCosineEps = Real(1e-8);  // cos = x·y / max(‖x‖ ‖y‖, eps)

template <typename Real>
Real leaky(Real x) {
  return x > 0 ? x : kLeakySlope<Real> * x;
}
template <typename Real>
Real leaky_slope(Real x) {
  return x > 0 ? Real(1) : kLeakySlope<Real>;
}
template <typename Real>
Real sign(Real x) {
  return static_cast<Real>((x > 0) - (x < 0));
}

bool clips(RawFeatureNorm norm) {
  return norm == RawFeatureNorm::ClippedL2Norm || norm == RawFeatureNorm::Clipped ||
         norm == RawFeatureNorm::ClippedL1Norm;
}

// y = N(x) for one row of n raw scores (one context element, all query elements).
template <typename Real>
void normalise_row(const Real* x, Real* y, int64_t n, RawFeatureNorm norm) {
  for (int64_t q = 0; q < n; ++q) y[q] = clips(norm) ? leaky(x[q]) : x[q];
  switch (norm) {
    case RawFeatureNorm::Softmax: {
      const Real m = *std::max_element(y, y + n);
      Real sum = 0;
      for (int64_t q = 0; q < n; ++q) sum += (y[q] = fast_exp(y[q] - m));
      for (int64_t q = 0; q < n; ++q) y[q] /= sum;
      break;
    }
    case RawFeatureNorm::L2Norm:
    case RawFeatureNorm::ClippedL2Norm: {
      Real sq = 0;
      for (int64_t q = 0; q < n; ++q) sq += y[q] * y[q];
      const Real k = std::sqrt(sq) + kNormEps<Real>;
      for (int64_t q = 0; q < n; ++q) y[q] /= k;
      break;
    }
    case RawFeatureNorm::L1Norm:
    case RawFeatureNorm::ClippedL1Norm: {
      Real l1 = 0;
      for (int64_t q = 0; q < n; ++q) l1 += std::abs(y[q]);
      const Real k = l1 + kNormEps<Real>;
      for (int64_t q = 0; q < n; ++q) y[q] /= k;
      break;
    }
    case RawFeatureNorm::Clipped:
    case RawFeatureNorm::NoNorm: break;
  }
}

// dx = (∂y/∂x)ᵀ dy for y = normalise_row(x). With b = LeakyReLU(x) for the clipped variants
// (db/dx = 1 if x > 0 else 0.1) and b = x otherwise:
//   softmax  y = softmax(b):           db = y ⊙ (dy − Σ dy⊙y)
//   l2norm   y = b / k, k = ‖b‖ + eps:  db = dy / k − b (Σ dy⊙b) / (k² ‖b‖)     (∂‖b‖/∂b = b/‖b‖)
//   l1norm   y = b / k, k = Σ|b| + eps: db = dy / k − sign(b) (Σ dy⊙b) / k²
template <typename Real>
void normalise_row_backward(const Real* x, const Real* y, const Real* dy, Real* dx, int64_t n, RawFeatureNorm norm) {
  auto b = [&](int64_t q) { return clips(norm) ? leaky(x[q]) : x[q]; };
  switch (norm) {
    case RawFeatureNorm::Softmax: {
      Real dot = 0;
      for (int64_t q = 0; q < n; ++q) dot += dy[q] * y[q];
      for (int64_t q = 0; q < n; ++q) dx[q] = y[q] * (dy[q] - dot);
      break;
    }
    case RawFeatureNorm::L2Norm:
    case RawFeatureNorm::ClippedL2Norm: {
      Real sq = 0, dot = 0;
      for (int64_t q = 0; q < n; ++q) sq += b(q) * b(q), dot += dy[q] * b(q);
      const Real length = std::sqrt(sq), k = length + kNormEps<Real>;
      const Real c = length > 0 ? dot / (k * k * length) : Real(0);
      for (int64_t q = 0; q < n; ++q) dx[q] = dy[q] / k - b(q) * c;
      break;
    }
    case RawFeatureNorm::L1Norm:
    case RawFeatureNorm::ClippedL1Norm: {
      Real l1 = 0, dot = 0;
      for (int64_t q = 0; q < n; ++q) l1 += std::abs(b(q)), dot += dy[q] * b(q);
      const Real k = l1 + kNormEps<Real>;
      for (int64_t q = 0; q < n; ++q) dx[q] = dy[q] / k - sign(b(q)) * dot / (k * k);
      break;
    }
    case RawFeatureNorm::Clipped:
    case RawFeatureNorm::NoNorm:
      for (int64_t q = 0; q < n; ++q) dx[q] = dy[q];
      break;
  }
  if (clips(norm))
    for (int64_t q = 0; q < n; ++q) dx[q] *= leaky_slope(x[q]);
}

// Aggregation of the n cosines. LogSumExp is the stable form m + (1/λ2) log Σ exp(λ2 (R − m)).
template <typename Real>
Real aggregate(const Real* r, int64_t n, const XattnParams& p) {
  const Real lse = static_cast<Real>(p.lambda_lse);
  const Real m = *std::max_element(r, r + n);
  Real sum = 0;
  switch (p.agg) {
    case Aggregation::LogSumExp:
      for (int64_t q = 0; q < n; ++q) sum += std::exp(lse * (r[q] - m));
      return m + std::log(sum) / lse;
    case Aggregation::Mean:
      for (int64_t q = 0; q < n; ++q) sum += r[q];
      return sum / static_cast<Real>(n);
    case Aggregation::Max: return m;
    case Aggregation::Sum:
      for (int64_t q = 0; q < n; ++q) sum += r[q];
      return sum;
  }
  return 0;
}

// dR = ∂S/∂R · dS: LogSumExp softmax(λ2 R); Mean 1/n; Sum 1; Max one-hot at the first maximum.
template <typename Real>
void aggregate_backward(const Real* r, int64_t n, const XattnParams& p, Real d_score, Real* dr) {
  const Real lse = static_cast<Real>(p.lambda_lse);
  switch (p.agg) {
    case Aggregation::LogSumExp: {
      const Real m = *std::max_element(r, r + n);
      Real sum = 0;
      for (int64_t q = 0; q < n; ++q) sum += (dr[q] = std::exp(lse * (r[q] - m)));
      for (int64_t q = 0; q < n; ++q) dr[q] *= d_score / sum;
      break;
    }
    case Aggregation::Mean: std::fill(dr, dr + n, d_score / static_cast<Real>(n)); break;
    case Aggregation::Sum: std::fill(dr, dr + n, d_score); break;
    case Aggregation::Max: {
      std::fill(dr, dr + n, Real(0));
      dr[std::max_element(r, r + n) - r] = d_score;  // the first maximum
      break;
    }
  }
}

}  // namespace

template <typename Real>
void XattnWorkspace<Real>::resize(int64_t nq, int64_t ns) {
  const int64_t lanes = padded_query(nq);
  for (auto* v : {&raw, &normed, &alpha, &g_alpha, &d_alpha, &d_normed, &d_raw}) v->resize(lanes * ns);
  alpha_t.resize(nq * ns);
  for (auto* v : {&dot, &a_norm, &q_norm, &denom, &cosine, &lane_max, &lane_sum, &d_cosine, &d_dot, &d_sq,
                  &weighted, &d_row})
    v->resize(lanes);
}

template <typename Real>
void XattnWorkspace<Real>::save(int64_t nq, int64_t ns, Real* out) const {
  const int64_t n = padded_query(nq) * ns;
  for (const auto* v : {&normed, &alpha, &g_alpha}) out = std::copy(v->begin(), v->begin() + n, out);
  for (const auto* v : {&dot, &a_norm, &q_norm, &denom, &cosine}) out = std::copy(v->begin(), v->begin() + nq, out);
}

template <typename Real>
void XattnWorkspace<Real>::load(int64_t nq, int64_t ns, const Real* in) {
  resize(nq, ns);
  const int64_t n = padded_query(nq) * ns;
  for (auto* v : {&normed, &alpha, &g_alpha}) {
    std::copy(in, in + n, v->begin());
    in += n;
  }
  for (auto* v : {&dot, &a_norm, &q_norm, &denom, &cosine}) {
    std::copy(in, in + nq, v->begin());
    in += nq;
  }
}

namespace {

// f(q) for every lane q of a padded query axis, kXattnLanes at a time: a loop of fixed width the
// compiler turns into whole vector operations, with no remainder.
template <typename F>
[[gnu::always_inline]] inline void for_lanes(int64_t lanes, F&& f) {
  for (int64_t q0 = 0; q0 < lanes; q0 += kXattnLanes)
#pragma omp simd
    for (int64_t l = 0; l < kXattnLanes; ++l) f(q0 + l);
}

// kXattnLanes values of Real as one vector (GCC/Clang vector extension): one AVX2 register for
// float, split into narrower ones where the CPU has no AVX2.
template <typename Real>
struct LaneVectorOf;
template <>
struct LaneVectorOf<float> {
  typedef float type __attribute__((vector_size(kXattnLanes * sizeof(float))));
};
template <>
struct LaneVectorOf<double> {
  typedef double type __attribute__((vector_size(kXattnLanes * sizeof(double))));
};
template <typename Real>
using LaneVector = typename LaneVectorOf<Real>::type;

template <typename Real>
[[gnu::always_inline]] inline LaneVector<Real> load_lanes(const Real* p) {
  LaneVector<Real> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// out[s, q] = Σ_t G[s, t] α[t, q] for s < ns and every lane q, t in ascending order. Four rows s
// at a time, each an accumulator held in a register across the whole sum over t: accumulating
// in memory instead would make every step wait for the previous one's store.
template <typename Real>
[[gnu::always_inline]] inline void gram_times_alpha(const Real* gram, int64_t ldg, const Real* alpha, int64_t ns,
                                                    int64_t lanes, Real* out) {
  constexpr int64_t kRows = 4;
  for (int64_t q0 = 0; q0 < lanes; q0 += kXattnLanes)
    for (int64_t s0 = 0; s0 < ns; s0 += kRows) {
      const int64_t rows = std::min(kRows, ns - s0);
      LaneVector<Real> acc[kRows] = {};
      for (int64_t t = 0; t < ns; ++t) {
        const LaneVector<Real> a = load_lanes(alpha + t * lanes + q0);
        for (int64_t i = 0; i < kRows; ++i) {
          const Real g = i < rows ? gram[(s0 + i) * ldg + t] : Real(0);  // rows past ns add 0·α
          acc[i] += a * g;
        }
      }
      for (int64_t i = 0; i < rows; ++i) std::memcpy(out + (s0 + i) * lanes + q0, &acc[i], sizeof acc[i]);
    }
}

// Every [ns, ·] array below is stored context-major with the query axis padded to `lanes`
// (element [s, q] at s·lanes + q), so the loops over q are innermost and vectorise; each sum
// still runs over s (or t) in ascending order, one accumulator per q, so the results do not
// depend on the vector width. The padding lanes start from raw scores of 0, stay finite, and are
// never read into a result.
template <typename Real>
[[gnu::always_inline]] inline Real pair_forward(const XattnPair<Real>& pair, const XattnParams& params,
                                                XattnWorkspace<Real>& ws, Real* alpha_out) {
  const Real lambda = static_cast<Real>(params.lambda_softmax);
  const int64_t nq = pair.nq, ns = pair.ns, lanes = padded_query(nq);
  ws.resize(nq, ns);
  Real *raw = ws.raw.data(), *normed = ws.normed.data(), *alpha = ws.alpha.data(), *g_alpha = ws.g_alpha.data();
  Real *m = ws.lane_max.data(), *sum = ws.lane_sum.data();
  // Ā[s, :] = N(A[s, :]): the first normalisation runs over the query axis (its real elements).
  for (int64_t s = 0; s < ns; ++s) {
    std::copy(pair.raw + s * nq, pair.raw + (s + 1) * nq, raw + s * lanes);
    std::fill(raw + s * lanes + nq, raw + (s + 1) * lanes, Real(0));
    normalise_row(raw + s * lanes, normed + s * lanes, nq, params.norm);
    std::fill(normed + s * lanes + nq, normed + (s + 1) * lanes, Real(0));
  }
  // α[s, q] = softmax over the context axis s of λ1 Ā[s, q].
  std::fill(m, m + lanes, Real(-INFINITY));
  std::fill(sum, sum + lanes, Real(0));
  for (int64_t s = 0; s < ns; ++s)
    for_lanes(lanes, [&](int64_t q) {
      const Real v = lambda * normed[s * lanes + q];
      m[q] = m[q] < v ? v : m[q];
    });
  for (int64_t q0 = 0; q0 < lanes; q0 += kXattnLanes) {
    LaneVector<Real> total = {};  // in a register across s (see gram_times_alpha)
    for (int64_t s = 0; s < ns; ++s) {
      Real* a = alpha + s * lanes + q0;
      const Real* v = normed + s * lanes + q0;
#pragma omp simd
      for (int64_t l = 0; l < kXattnLanes; ++l) a[l] = fast_exp(lambda * v[l] - m[q0 + l]);
      total += load_lanes(a);
    }
    std::memcpy(sum + q0, &total, sizeof total);
  }
  for (int64_t s = 0; s < ns; ++s) for_lanes(lanes, [&](int64_t q) { alpha[s * lanes + q] /= sum[q]; });
  // G α_q for every q at once: g_alpha[s, q] = Σ_t G[s, t] α[t, q] (G symmetric: Σ_t α_t G[t, s]).
  gram_times_alpha(pair.context_gram, pair.ldg, alpha, ns, lanes, g_alpha);
  // query_q · a_q = Σ_s α[s, q] A[s, q];  ‖a_q‖² = α_qᵀ G α_q (clamped at 0 against rounding).
  Real *dot = ws.dot.data(), *sq = ws.a_norm.data();
  for (int64_t q0 = 0; q0 < lanes; q0 += kXattnLanes) {
    LaneVector<Real> p = {}, n2 = {};
    for (int64_t s = 0; s < ns; ++s) {
      const LaneVector<Real> a = load_lanes(alpha + s * lanes + q0);
      p += a * load_lanes(raw + s * lanes + q0);
      n2 += a * load_lanes(g_alpha + s * lanes + q0);
    }
    std::memcpy(dot + q0, &p, sizeof p);
    std::memcpy(sq + q0, &n2, sizeof n2);
  }
  for (int64_t q = 0; q < nq; ++q) {
    ws.a_norm[q] = std::sqrt(std::max(sq[q], Real(0)));
    ws.q_norm[q] = std::sqrt(std::max(pair.query_sqnorm[q], Real(0)));
    ws.denom[q] = std::max(ws.a_norm[q] * ws.q_norm[q], kCosineEps<Real>);
    ws.cosine[q] = dot[q] / ws.denom[q];
  }
  if (alpha_out)  // [nq, ns]
    for (int64_t s = 0; s < ns; ++s)
      for (int64_t q = 0; q < nq; ++q) alpha_out[q * ns + s] = alpha[s * lanes + q];
  return aggregate(ws.cosine.data(), nq, params);
}

// Reverse of the forward above, per query element q (with D = max(‖a‖ ‖query‖, eps)):
//   R = p / D                    dp = dR / D;  when ‖a‖‖query‖ > eps:  dD = −dR p / D²,
//                                d‖a‖ = dD ‖query‖,  d‖query‖ = dD ‖a‖  (else both 0)
//   ‖a‖ = sqrt(sq)               dsq = d‖a‖ / (2‖a‖);  likewise d‖query‖² = d‖query‖ / (2‖query‖)
//   p = Σ_s α_s A[s, q]          dα_s += dp A[s, q],   dA[s, q] += dp α_s
//   sq = αᵀ G α (G symmetric)    dα += 2 dsq G α,      dG += dsq α αᵀ
//   α = softmax_s(λ1 Ā[:, q])    dĀ[s, q] = λ1 α_s (dα_s − Σ_t α_t dα_t)
// and finally dA[s, :] += (∂Ā[s, :]/∂A[s, :])ᵀ dĀ[s, :] for every context row s. The padding
// lanes get dp = dsq = 0, so everything they touch is 0.
template <typename Real>
[[gnu::always_inline]] inline void pair_backward(const XattnPair<Real>& pair, const XattnParams& params, Real d_score,
                                                 XattnWorkspace<Real>& ws, Real* d_raw_out, Real* d_context_gram,
                                                 Real* d_query_sqnorm, bool forward_in_ws) {
  const Real lambda = static_cast<Real>(params.lambda_softmax);
  const int64_t nq = pair.nq, ns = pair.ns, lanes = padded_query(nq);
  if (!forward_in_ws) {
    pair_forward(pair, params, ws, static_cast<Real*>(nullptr));
  } else {
    for (int64_t s = 0; s < ns; ++s) {  // the forward's padded copy of the raw scores
      std::copy(pair.raw + s * nq, pair.raw + (s + 1) * nq, ws.raw.data() + s * lanes);
      std::fill(ws.raw.data() + s * lanes + nq, ws.raw.data() + (s + 1) * lanes, Real(0));
    }
  }
  aggregate_backward(ws.cosine.data(), nq, params, d_score, ws.d_cosine.data());
  Real *d_dot = ws.d_dot.data(), *d_sq = ws.d_sq.data(), *weighted = ws.weighted.data();
  std::fill(d_dot + nq, d_dot + lanes, Real(0));
  std::fill(d_sq + nq, d_sq + lanes, Real(0));
  bool any_d_sq = false;
  for (int64_t q = 0; q < nq; ++q) {
    const Real dr = ws.d_cosine[q], a_norm = ws.a_norm[q], q_norm = ws.q_norm[q], denom = ws.denom[q];
    d_dot[q] = dr / denom;
    Real d_a_norm = 0, d_q_norm = 0;
    if (a_norm * q_norm > kCosineEps<Real>) {
      const Real d_denom = -dr * ws.dot[q] / (denom * denom);
      d_a_norm = d_denom * q_norm;
      d_q_norm = d_denom * a_norm;
    }
    d_sq[q] = a_norm > 0 ? d_a_norm / (2 * a_norm) : Real(0);
    d_query_sqnorm[q] = q_norm > 0 ? d_q_norm / (2 * q_norm) : Real(0);
    any_d_sq = any_d_sq || d_sq[q] != 0;
  }
  const Real *raw = ws.raw.data(), *alpha = ws.alpha.data(), *g_alpha = ws.g_alpha.data();
  Real *d_alpha = ws.d_alpha.data(), *d_normed = ws.d_normed.data(), *d_raw = ws.d_raw.data();
  for (int64_t q0 = 0; q0 < lanes; q0 += kXattnLanes) {
    LaneVector<Real> w = {};  // in a register across s (see gram_times_alpha)
    const LaneVector<Real> dp = load_lanes(d_dot + q0), dsq2 = Real(2) * load_lanes(d_sq + q0);
    for (int64_t s = 0; s < ns; ++s) {
      const int64_t k = s * lanes + q0;
      const LaneVector<Real> a = load_lanes(alpha + k);
      const LaneVector<Real> da = dp * load_lanes(raw + k) + dsq2 * load_lanes(g_alpha + k);
      const LaneVector<Real> dr = dp * a;
      std::memcpy(d_alpha + k, &da, sizeof da);
      std::memcpy(d_raw + k, &dr, sizeof dr);
      w += a * da;
    }
    std::memcpy(weighted + q0, &w, sizeof w);
  }
  // dG[s, t] += Σ_q dsq_q α[s, q] α[t, q], summed over q in ascending order for every (s, t).
  if (any_d_sq) {
    Real* alpha_t = ws.alpha_t.data();  // [nq, ns]
    for (int64_t s = 0; s < ns; ++s)
      for (int64_t q = 0; q < nq; ++q) alpha_t[q * ns + s] = alpha[s * lanes + q];
    for (int64_t s = 0; s < ns; ++s) {
      Real* dg_row = d_context_gram + s * pair.ldg;
      for (int64_t q = 0; q < nq; ++q) {
        if (d_sq[q] == 0) continue;
        const Real dsq = d_sq[q], a_s = alpha[s * lanes + q];
        const Real* a_row = alpha_t + q * ns;
#pragma omp simd
        for (int64_t t = 0; t < ns; ++t) dg_row[t] += dsq * (a_s * a_row[t]);
      }
    }
  }
  for (int64_t s = 0; s < ns; ++s)
    for_lanes(lanes, [&](int64_t q) {
      const int64_t k = s * lanes + q;
      d_normed[k] = lambda * alpha[k] * (d_alpha[k] - weighted[q]);
    });
  for (int64_t s = 0; s < ns; ++s) {
    normalise_row_backward(raw + s * lanes, ws.normed.data() + s * lanes, d_normed + s * lanes, ws.d_row.data(), nq,
                           params.norm);
    for (int64_t q = 0; q < nq; ++q) d_raw_out[s * nq + q] = d_raw[s * lanes + q] + ws.d_row[q];
  }
}

}  // namespace

template struct XattnWorkspace<float>;
template struct XattnWorkspace<double>;

// One function per precision, each compiled for the baseline and for AVX2 (cpu_clones.h).
FW_CPU_CLONES float xattn_pair_forward(const XattnPair<float>& pair, const XattnParams& params,
                                       XattnWorkspace<float>& ws, float* alpha_out) {
  return pair_forward(pair, params, ws, alpha_out);
}
FW_CPU_CLONES double xattn_pair_forward(const XattnPair<double>& pair, const XattnParams& params,
                                        XattnWorkspace<double>& ws, double* alpha_out) {
  return pair_forward(pair, params, ws, alpha_out);
}
FW_CPU_CLONES void xattn_pair_backward(const XattnPair<float>& pair, const XattnParams& params, float d_score,
                                       XattnWorkspace<float>& ws, float* d_raw, float* d_context_gram,
                                       float* d_query_sqnorm, bool forward_in_ws) {
  pair_backward(pair, params, d_score, ws, d_raw, d_context_gram, d_query_sqnorm, forward_in_ws);
}
FW_CPU_CLONES void xattn_pair_backward(const XattnPair<double>& pair, const XattnParams& params, double d_score,
                                       XattnWorkspace<double>& ws, double* d_raw, double* d_context_gram,
                                       double* d_query_sqnorm, bool forward_in_ws) {
  pair_backward(pair, params, d_score, ws, d_raw, d_context_gram, d_query_sqnorm, forward_in_ws);
}

}  // namespace fw::cpu

