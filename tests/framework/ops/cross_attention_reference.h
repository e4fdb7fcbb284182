#pragma once
// A literal transcription of SCAN's per-caption loop (model.py: func_attention, xattn_score_t2i,
// xattn_score_i2t; the original model.py) with framework autograd ops, to check the
// fused cross_attention_scores against. Every caption is sliced to its true length (narrow), so
// padded words never take part, and autograd gives the reference gradients.
#include <cstdint>
#include <vector>

#include "framework/ops/cross_attention.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/indexing.h"
#include "framework/ops/linalg.h"
#include "framework/ops/normalization.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

namespace fw::reference {

// l2norm(X, dim) = X / (sqrt(Σ_dim X²) + eps) and l1norm(X, dim) = X / (Σ_dim |X| + eps), by formula.
inline Tensor l2norm_by_formula(const Tensor& x, int64_t dim, double eps = 1e-8) {
  return x / (sqrt(sum(x * x, dim, /*keepdim=*/true)) + eps);
}
inline Tensor l1norm_by_formula(const Tensor& x, int64_t dim, double eps = 1e-8) {
  return x / (sum(abs(x), dim, /*keepdim=*/true) + eps);
}

// func_attention(query [n, Lq, d], context [n, Ls, d]) -> the attended context [n, Lq, d].
inline Tensor func_attention(const Tensor& query, const Tensor& context, const CrossAttentionOptions& o) {
  const Tensor query_t = query.transpose(1, 2);  // [n, d, Lq]
  Tensor attn = bmm(context, query_t);           // [n, Ls, Lq]
  switch (o.norm) {                              // first normalisation, over the query axis 2
    case RawFeatureNorm::Softmax: attn = softmax(attn, 2); break;
    case RawFeatureNorm::L2Norm: attn = l2norm_by_formula(attn, 2); break;
    case RawFeatureNorm::ClippedL2Norm: attn = l2norm_by_formula(leaky_relu(attn, 0.1), 2); break;
    case RawFeatureNorm::L1Norm: attn = l1norm_by_formula(attn, 2); break;
    case RawFeatureNorm::ClippedL1Norm: attn = l1norm_by_formula(leaky_relu(attn, 0.1), 2); break;
    case RawFeatureNorm::Clipped: attn = leaky_relu(attn, 0.1); break;
    case RawFeatureNorm::NoNorm: break;
  }
  attn = attn.transpose(1, 2).contiguous();                 // [n, Lq, Ls]
  attn = softmax(attn * o.lambda_softmax, 2);               // over the context axis
  const Tensor attn_t = attn.transpose(1, 2).contiguous();  // [n, Ls, Lq]
  const Tensor context_t = context.transpose(1, 2);         // [n, d, Ls]
  return bmm(context_t, attn_t).transpose(1, 2);            // [n, Lq, d]
}

// row_sim [n_img, N] -> [n_img, 1]; LogSumExp literally as in the original (no max subtraction).
inline Tensor aggregate(const Tensor& row_sim, const CrossAttentionOptions& o) {
  switch (o.agg) {
    case Aggregation::LogSumExp: return log(sum(exp(row_sim * o.lambda_lse), 1, true)) / o.lambda_lse;
    case Aggregation::Mean: return mean(row_sim, 1, true);
    case Aggregation::Max: return max(row_sim, 1, true);
    case Aggregation::Sum: return sum(row_sim, 1, true);
  }
  return Tensor();
}

// xattn_score_t2i / xattn_score_i2t: S [n_img, n_cap].
inline Tensor cross_attention_scores(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                                     const CrossAttentionOptions& o) {
  const int64_t n_img = images.size(0), n_cap = captions.size(0), d = captions.size(2);
  std::vector<Tensor> similarities;
  for (int64_t i = 0; i < n_cap; ++i) {
    const int64_t n_word = cap_lens[i];
    const Tensor cap_i = captions.select(0, i).narrow(0, 0, n_word).unsqueeze(0).contiguous();  // [1, L_i, d]
    const Tensor cap_i_expand = cap_i.expand({n_img, n_word, d});
    Tensor row_sim;
    if (o.direction == CrossAttn::T2I) {
      const Tensor wei_context = func_attention(cap_i_expand, images, o);  // query = words
      row_sim = cosine_similarity(cap_i_expand, wei_context, 2);           // [n_img, L_i]
    } else {
      const Tensor wei_context = func_attention(images, cap_i_expand, o);  // query = regions
      row_sim = cosine_similarity(images, wei_context, 2);                 // [n_img, R]
    }
    similarities.push_back(aggregate(row_sim, o));
  }
  return cat(similarities, 1);
}

}  // namespace fw::reference
