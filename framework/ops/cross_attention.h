#pragma once
// SCAN's stacked cross attention score (Lee et al., ECCV 2018) for every (image, caption) pair,
// as one fused op with a hand-written backward (the original model.py: func_attention, xattn_score_t2i, xattn_score_i2t).
//
// For a pair (image i, caption c) with regions v_r (r < R) and words e_j (j < L_c, <start> and
// <end> included; padded words j >= L_c never take part), and raw scores A[r, j] = v_r · e_j:
//
//   t2i ("t-i"): query = words, context = regions.
//     Ā = first normalisation of A over the QUERY axis (the words j, for each region r)
//     α[j, r] = softmax_r(λ1 · Ā[r, j])          (over the CONTEXT axis)
//     a_j = Σ_r α[j, r] v_r,  R_j = cos(e_j, a_j) = e_j·a_j / max(‖e_j‖ ‖a_j‖, 1e-8)
//     S[i, c] = aggregate over j < L_c of R_j
//   i2t ("i-t"): the same with the roles swapped: first normalisation over the regions (for
//     each word), softmax over the words j < L_c, R_r = cos(v_r, a_r), aggregate over all R regions.
//
// First normalisations (of a row x over the query axis), as in the original `func_attention`:
//   softmax        softmax(x)
//   l2norm         x / (sqrt(Σ x²) + 1e-8)
//   clipped_l2norm l2norm(LeakyReLU_0.1(x))  (LeakyReLU with slope 0.1, not a hard ReLU)
//   clipped        LeakyReLU_0.1(x)
//   no_norm        x
//   l1norm         x / (Σ |x| + 1e-8)
//   clipped_l1norm l1norm(LeakyReLU_0.1(x))
// The original crashes on l1norm and clipped_l1norm (it calls an undefined function); here they
// are implemented with the formula of its `l1norm` helper (eps added to the sum of magnitudes).
//
// Aggregations over the N query elements (N = L_c for t2i, R for i2t):
//   LogSumExp (1/λ2) log Σ exp(λ2 R)  (computed stably, max subtracted), Mean (1/N) Σ R,
//   Max (the gradient goes to the first maximum), Sum Σ R.
//
// The attended vectors a_j are never materialised: with one GEMM for all raw scores and the Gram
// matrices of the regions (V Vᵀ) and words (E Eᵀ), e·a = Σ α A and ‖a‖² = αᵀ G α per pair.
#include <cstdint>
#include <string>
#include <vector>

#include "framework/backend/cross_attention_options.h"
#include "framework/core/tensor.h"

namespace fw {

// The names of the settings, as the original's flags spell them ("t2i", "clipped_l2norm",
// "LogSumExp"); models/scan parses its flags with them.
const char* to_string(CrossAttn direction);
const char* to_string(RawFeatureNorm norm);
const char* to_string(Aggregation agg);

// S [n_img, n_cap]: the score of every image against every caption.
//   images   [n_img, R, d]  (region features)
//   captions [n_cap, L, d]  (word features, padded to L; rows j >= cap_lens[c] are ignored)
//   cap_lens n_cap lengths in [1, L]
// float32 or float64 (same dtype), computed in that precision (the squared norms of the query rows
// are summed in double); differentiable w.r.t. images and captions (first order: the backward
// itself is not recorded). Padded words receive a zero gradient.
Tensor cross_attention_scores(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                              const CrossAttentionOptions& options);

// The attention weights α, for visualisation (not differentiable):
//   t2i: [n_img, n_cap, L, R], α over regions for each word; rows j >= cap_lens[c] are zero.
//   i2t: [n_img, n_cap, R, L], α over the words of each caption; columns j >= cap_lens[c] are zero.
Tensor cross_attention_weights(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                               const CrossAttentionOptions& options);

}  // namespace fw
