#pragma once
// The per-pair math of SCAN's cross attention score (framework/ops/cross_attention.h), in the
// inputs' precision Real (float for float32 tensors, double for float64), on the raw scores of one
// (image, caption) pair and the Gram matrix of its context side.
//
// A pair is described from the attention's point of view: nq query elements (normalised over,
// then aggregated over) and ns context elements (the attention softmax runs over them):
//   t2i: query = the L_c words, context = the R regions;
//   i2t: query = the R regions, context = the L_c words.
// With A[s, q] = context_s · query_q and G[s, s'] = context_s · context_s', the attended vector
// a_q = Σ_s α[q, s] context_s never has to exist:
//   query_q · a_q = Σ_s α[q, s] A[s, q],    ‖a_q‖² = Σ_{s,s'} α[q, s] α[q, s'] G[s, s'].
#include <cstdint>
#include <vector>

#include "framework/backend/cross_attention_options.h"

namespace fw::cpu {

template <typename Real>
struct XattnPair {
  int64_t nq = 0, ns = 0;
  const Real* raw = nullptr;           // [ns, nq]: raw[s * nq + q] = context_s · query_q
  const Real* context_gram = nullptr;  // [ns, ns] with row stride ldg, exactly symmetric
  int64_t ldg = 0;
  const Real* query_sqnorm = nullptr;  // [nq]: ‖query_q‖²
};

struct XattnParams {
  RawFeatureNorm norm = RawFeatureNorm::ClippedL2Norm;
  Aggregation agg = Aggregation::LogSumExp;
  double lambda_softmax = 9.0;
  double lambda_lse = 6.0;
};

// The per-pair arrays pad the query axis to a multiple of kXattnLanes (8 floats: one AVX2 vector).
inline constexpr int64_t kXattnLanes = 8;
inline int64_t padded_query(int64_t nq) { return (nq + kXattnLanes - 1) / kXattnLanes * kXattnLanes; }

// Scratch space one thread reuses from pair to pair (the forward's intermediates, kept for the
// backward of the same pair).
template <typename Real>
struct XattnWorkspace {
  // [ns, lanes] each, lanes = padded_query(nq), element [s, q] at s·lanes + q:
  std::vector<Real> raw;       // the pair's raw scores, 0 in the padding
  std::vector<Real> normed;    // Ā: raw scores after the first normalisation
  std::vector<Real> alpha;     // attention weights α[s, q] (softmax over s for each q)
  std::vector<Real> g_alpha;   // (G α_q)[s]
  std::vector<Real> d_alpha, d_normed, d_raw;
  std::vector<Real> alpha_t;   // [nq, ns]: α transposed (the backward's dG update)
  std::vector<Real> dot, a_norm, q_norm, denom, cosine;  // [lanes] each (a_norm holds ‖a‖² until the end)
  std::vector<Real> lane_max, lane_sum;                  // [lanes] each: the softmax's max and sum per q
  std::vector<Real> d_cosine, d_dot, d_sq, weighted, d_row;  // [lanes] each: the backward's
  void resize(int64_t nq, int64_t ns);

  // The forward's intermediates of one pair (normed, alpha, g_alpha and the five per-query
  // vectors), packed into saved_size(nq, ns) values, so that a backward can start from them
  // instead of recomputing the forward.
  static int64_t saved_size(int64_t nq, int64_t ns) { return 3 * padded_query(nq) * ns + 5 * nq; }
  void save(int64_t nq, int64_t ns, Real* out) const;
  void load(int64_t nq, int64_t ns, const Real* in);
};

// The pair's score S; writes α [nq, ns] to `alpha_out` when it is not null.
float xattn_pair_forward(const XattnPair<float>& pair, const XattnParams& params, XattnWorkspace<float>& ws,
                         float* alpha_out = nullptr);
double xattn_pair_forward(const XattnPair<double>& pair, const XattnParams& params, XattnWorkspace<double>& ws,
                          double* alpha_out = nullptr);

// The gradients of the pair's score for an upstream gradient d_score:
//   d_raw [ns, nq]                   written (dS/dA),
//   d_context_gram [ns, ns] (ldg)    accumulated into (+= dS/dG),
//   d_query_sqnorm [nq]              written (dS/d‖query_q‖²).
// With forward_in_ws, `ws` already holds this pair's forward (xattn_pair_forward or load), which
// is then not recomputed; the results are the same either way.
void xattn_pair_backward(const XattnPair<float>& pair, const XattnParams& params, float d_score,
                         XattnWorkspace<float>& ws, float* d_raw, float* d_context_gram, float* d_query_sqnorm,
                         bool forward_in_ws = false);
void xattn_pair_backward(const XattnPair<double>& pair, const XattnParams& params, double d_score,
                         XattnWorkspace<double>& ws, double* d_raw, double* d_context_gram, double* d_query_sqnorm,
                         bool forward_in_ws = false);

}  // namespace fw::cpu
