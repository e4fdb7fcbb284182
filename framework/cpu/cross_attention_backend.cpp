// The CPU backend's fused cross attention (ops/cross_attention.h has the math): the GEMMs shared
// by all pairs, the parallel loops over pairs (per-pair math in cross_attention_kernel) and the
// hand-written backward.
#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "framework/core/parallel.h"
#include "framework/cpu/cpu_backend.h"
#include "framework/cpu/cross_attention_kernel.h"
#include "framework/cpu/gemm.h"
#include "framework/cpu/scratch.h"

namespace fw::cpu {

namespace {

// Sizes of one call and how a pair maps onto the kernel's (query, context) view.
// t2i: context = images (R regions), query = captions (words); i2t: the other way round.
// The raw scores have one column per real word: caption c's words are columns
// [offsets[c], offsets[c] + lens[c]), so no product is spent on padding.
struct Geometry {
  int64_t n_img, R, n_cap, L, d;
  bool t2i;
  std::vector<int64_t> lens;
  std::vector<int64_t> offsets;  // [n_cap]: Σ of the lengths before c
  int64_t tokens = 0;            // Σ lens

  bool padded() const { return tokens != n_cap * L; }
  int64_t raw_cols() const { return tokens; }
  int64_t n_context() const { return t2i ? n_img : n_cap; }  // entities on the context side
  int64_t n_query() const { return t2i ? n_cap : n_img; }    // entities on the query side
  int64_t context_rows() const { return t2i ? R : L; }       // rows of one context entity
  int64_t query_rows() const { return t2i ? L : R; }
  int64_t nq(int64_t c) const { return t2i ? lens[c] : R; }
  int64_t ns(int64_t c) const { return t2i ? R : lens[c]; }
  // Position in the raw score matrix [n_img·R, tokens] of (context s, query q) for pair (i, c).
  int64_t raw_index(int64_t i, int64_t c, int64_t s, int64_t q) const {
    return t2i ? (i * R + s) * tokens + offsets[c] + q : (i * R + q) * tokens + offsets[c] + s;
  }
};

Geometry geometry_of(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                     const CrossAttentionOptions& options) {
  Geometry g{images.size(0),   images.size(1), captions.size(0),
             captions.size(1), images.size(2), options.direction == CrossAttn::T2I,
             cap_lens,         {},             0};
  for (const int64_t len : cap_lens) {
    g.offsets.push_back(g.tokens);
    g.tokens += len;
  }
  return g;
}

XattnParams params_of(const CrossAttentionOptions& o) { return {o.norm, o.agg, o.lambda_softmax, o.lambda_lse}; }

// What every pair reads: the raw scores of all pairs (one GEMM), the Gram matrices of the
// context entities and the squared norms of the query rows, in the inputs' dtype. Kept by the
// backward.
struct Products {
  Tensor images, captions;  // dense, detached; padded words zeroed
  Tensor words;             // [tokens, d]: the real words of every caption, in order (captions itself when unpadded)
  Tensor raw;               // [n_img·R, tokens]: raw[i·R + r, offsets[c] + j] = v_ir · e_cj
  Tensor context_gram;      // [n_context, rows, rows], exactly symmetric
  Tensor query_sqnorm;      // [n_query, rows]: squared norm of every query row (summed in double)
  // When the forward is recorded for a backward: each pair's forward intermediates
  // [n_img·n_cap, pair_slot] (XattnWorkspace::save), so the backward need not recompute them.
  Tensor pair_state;
  int64_t pair_slot = 0;
};

template <typename T>
GemmOperand<T> dense(const T* data, int64_t ld, int64_t batch_stride = 0, bool transposed = false) {
  return {data, {transposed, ld}, batch_stride};
}

// A dense copy of the captions whose padded rows (j >= cap_lens[c]) are zero, so that whatever
// they held (even inf or nan) reaches neither the scores nor the gradients.
template <typename T>
Tensor zero_padding(const Tensor& captions, const Geometry& g) {
  const Tensor source = captions.detach().contiguous();
  if (std::all_of(g.lens.begin(), g.lens.end(), [&](int64_t len) { return len == g.L; })) return source;
  Tensor out = Tensor::zeros(captions.shape(), captions.dtype());
  const T* in = source.data<T>();
  T* o = out.data<T>();
  for (int64_t c = 0; c < g.n_cap; ++c)
    std::copy(in + c * g.L * g.d, in + (c * g.L + g.lens[c]) * g.d, o + c * g.L * g.d);
  return out;
}

// The real words of every caption, packed: [tokens, d].
template <typename T>
Tensor pack_words(const Tensor& captions, const Geometry& g) {
  if (!g.padded()) return captions;
  Tensor words = Tensor::empty({g.tokens, g.d}, captions.dtype());
  const T* in = captions.data<T>();
  T* out = words.data<T>();
  parallel_for(g.n_cap, 16, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c)
      std::copy(in + c * g.L * g.d, in + (c * g.L + g.lens[c]) * g.d, out + g.offsets[c] * g.d);
  });
  return words;
}

template <typename T>
Products compute_products(const Tensor& images, const Tensor& captions, const Geometry& g) {
  Products p{images.detach().contiguous(), zero_padding<T>(captions, g), Tensor(), Tensor(), {}, {}, {}, 0};
  p.words = pack_words<T>(p.captions, g);
  const T* v = p.images.data<T>();
  const T* e = p.captions.data<T>();
  // raw = V_flat Wᵀ: [n_img·R, d] × [d, tokens].
  p.raw = Tensor::empty({g.n_img * g.R, g.raw_cols()}, images.dtype());
  batched_gemm<T>(1, g.n_img * g.R, g.raw_cols(), g.d, dense(v, g.d), dense(p.words.data<T>(), g.d, 0, true),
                  p.raw.data<T>());

  // G_b = X_b X_bᵀ for every context entity b, made exactly symmetric from its upper triangle.
  const T* context = g.t2i ? v : e;
  const int64_t n = g.context_rows(), block = n * g.d;
  Scratch<T> gram(g.n_context() * n * n);
  batched_gemm<T>(g.n_context(), n, n, g.d, dense(context, g.d, block), dense(context, g.d, block, true),
                       gram.data());
  p.context_gram = Tensor::empty({g.n_context(), n, n}, images.dtype());
  T* context_gram = p.context_gram.data<T>();
  parallel_for(g.n_context(), 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b)
      for (int64_t s = 0; s < n; ++s)
        for (int64_t t = 0; t < n; ++t)
          context_gram[(b * n + s) * n + t] = gram[(b * n + std::min(s, t)) * n + std::max(s, t)];
  });

  const T* query = g.t2i ? e : v;
  const int64_t rows = g.n_query() * g.query_rows();
  p.query_sqnorm = Tensor::empty({rows}, images.dtype());
  T* query_sqnorm = p.query_sqnorm.data<T>();
  parallel_for(rows, 64, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      double sq = 0;
      for (int64_t k = 0; k < g.d; ++k) sq += static_cast<double>(query[row * g.d + k]) * query[row * g.d + k];
      query_sqnorm[row] = static_cast<T>(sq);
    }
  });
  return p;
}

// The kernel's view of pair (i, c); its raw scores are copied into `raw` as [ns, nq].
template <typename T>
XattnPair<T> load_pair(const Products& p, const Geometry& g, int64_t i, int64_t c, std::vector<T>& raw) {
  const int64_t nq = g.nq(c), ns = g.ns(c);
  raw.resize(nq * ns);
  const T* all = p.raw.data<T>();
  for (int64_t s = 0; s < ns; ++s)
    for (int64_t q = 0; q < nq; ++q) raw[s * nq + q] = all[g.raw_index(i, c, s, q)];
  const int64_t n = g.context_rows(), context = g.t2i ? i : c, query = g.t2i ? c : i;
  return {nq, ns, raw.data(), p.context_gram.data<T>() + context * n * n, n,
          p.query_sqnorm.data<T>() + query * g.query_rows()};
}

// The scores; with keep_state, every pair's forward intermediates are kept in p.pair_state.
template <typename T>
Tensor scores_forward(Products& p, const Geometry& g, const XattnParams& params, bool keep_state) {
  Tensor scores = Tensor::empty({g.n_img, g.n_cap}, p.raw.dtype());
  T* out = scores.data<T>();
  T* state = nullptr;
  if (keep_state) {
    p.pair_slot = XattnWorkspace<T>::saved_size(g.query_rows(), g.context_rows());
    p.pair_state = Tensor::empty({g.n_img * g.n_cap, p.pair_slot}, p.raw.dtype());
    state = p.pair_state.data<T>();
  }
  parallel_for(g.n_img * g.n_cap, 4, [&](int64_t begin, int64_t end) {
    XattnWorkspace<T> ws;
    std::vector<T> raw;
    for (int64_t pair = begin; pair < end; ++pair) {
      const int64_t i = pair / g.n_cap, c = pair % g.n_cap;
      out[pair] = xattn_pair_forward(load_pair<T>(p, g, i, c, raw), params, ws);
      if (state) ws.save(g.nq(c), g.ns(c), state + pair * p.pair_slot);
    }
  });
  return scores;
}

// d_images, d_captions for the score gradient `grad` [n_img, n_cap]:
//   1. per pair, the kernel gives dA (the pair's block of d_raw), dG (context Gram, accumulated)
//      and d‖query row‖². Context entities are split among threads and each loops over its
//      partners in order, so every dG is summed by one thread in a fixed order; the query-side
//      terms go to a per-pair buffer summed over context entities in index order afterwards.
//   2. raw = V Eᵀ:            dV += d_raw E,          dE += d_rawᵀ V
//      G = X Xᵀ (context):    dX += (dG + dGᵀ) X
//      ‖x_q‖² (query rows):   dx_q += 2 d‖x_q‖² x_q
// Padded words get no dA and no dG, so their gradient is exactly zero.
template <typename T>
std::pair<Tensor, Tensor> scores_backward(const Products& p, const Geometry& g, const XattnParams& params,
                                          const Tensor& grad) {
  const Tensor d_scores = grad.contiguous();
  const T* ds = d_scores.data<T>();
  Tensor d_raw = Tensor::empty(p.raw.shape(), p.raw.dtype());  // every entry is written: one per (pair, s, real q)
  T* dr = d_raw.data<T>();
  const int64_t n_ctx = g.n_context(), n_qry = g.n_query(), crows = g.context_rows(), qrows = g.query_rows();
  Scratch<T> d_gram(n_ctx * crows * crows, T(0)), d_query_parts(n_ctx * n_qry * qrows, T(0));
  parallel_for(n_ctx, 1, [&](int64_t begin, int64_t end) {
    XattnWorkspace<T> ws;
    std::vector<T> raw, d_block;
    for (int64_t b = begin; b < end; ++b)
      for (int64_t other = 0; other < n_qry; ++other) {
        const int64_t i = g.t2i ? b : other, c = g.t2i ? other : b;
        const XattnPair<T> pair = load_pair<T>(p, g, i, c, raw);
        d_block.resize(pair.nq * pair.ns);
        const bool saved = p.pair_state.defined();
        if (saved) ws.load(pair.nq, pair.ns, p.pair_state.data<T>() + (i * g.n_cap + c) * p.pair_slot);
        xattn_pair_backward(pair, params, ds[i * g.n_cap + c], ws, d_block.data(), d_gram.data() + b * crows * crows,
                            d_query_parts.data() + (b * n_qry + other) * qrows, saved);
        for (int64_t s = 0; s < pair.ns; ++s)
          for (int64_t q = 0; q < pair.nq; ++q) dr[g.raw_index(i, c, s, q)] = d_block[s * pair.nq + q];
      }
  });

  Tensor d_images = Tensor::empty(p.images.shape(), p.images.dtype());
  const T* v = p.images.data<T>();
  const T* e = p.captions.data<T>();
  const int64_t rows_v = g.n_img * g.R, rows_e = g.raw_cols();
  batched_gemm<T>(1, rows_v, g.d, rows_e, dense(dr, rows_e), dense(p.words.data<T>(), g.d), d_images.data<T>());
  // dW = d_rawᵀ V, one row per real word, then spread to the padded layout (padding gets 0).
  Tensor d_words = Tensor::empty({rows_e, g.d}, p.captions.dtype());
  batched_gemm<T>(1, rows_e, g.d, rows_v, dense(dr, rows_e, 0, true), dense(v, g.d), d_words.data<T>());
  Tensor d_captions =
      g.padded() ? Tensor::zeros(p.captions.shape(), p.captions.dtype()) : d_words.view(p.captions.shape());
  if (g.padded()) {
    const T* dw = d_words.data<T>();
    T* dc = d_captions.data<T>();
    parallel_for(g.n_cap, 16, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c)
        std::copy(dw + g.offsets[c] * g.d, dw + (g.offsets[c] + g.lens[c]) * g.d, dc + c * g.L * g.d);
    });
  }

  // Context side: dX_b += (dG_b + dG_bᵀ) X_b.
  Scratch<T> sym(d_gram.size()), from_gram(n_ctx * crows * g.d);
  for (int64_t b = 0; b < n_ctx; ++b)
    for (int64_t s = 0; s < crows; ++s)
      for (int64_t t = 0; t < crows; ++t) {
        const int64_t base = b * crows * crows;
        sym[base + s * crows + t] = d_gram[base + s * crows + t] + d_gram[base + t * crows + s];
      }
  const T* context = g.t2i ? v : e;
  const int64_t block = crows * g.d;
  batched_gemm<T>(n_ctx, crows, g.d, crows, dense(sym.data(), crows, crows * crows), dense(context, g.d, block),
                       from_gram.data());
  T* d_context = (g.t2i ? d_images : d_captions).data<T>();
  parallel_for(n_ctx * block, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) d_context[k] += from_gram[k];
  });

  // Query side: d‖x_q‖² summed over the context entities in index order, then dx_q += 2 d‖x_q‖² x_q.
  const T* query = g.t2i ? e : v;
  T* d_query = (g.t2i ? d_captions : d_images).data<T>();
  parallel_for(n_qry * qrows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t other = row / qrows, q = row % qrows;
      double d_sq = 0;
      for (int64_t b = 0; b < n_ctx; ++b) d_sq += d_query_parts[(b * n_qry + other) * qrows + q];
      const T scale = static_cast<T>(2 * d_sq);
      for (int64_t k = 0; k < g.d; ++k) d_query[row * g.d + k] += scale * query[row * g.d + k];
    }
  });
  return {d_images, d_captions};
}

// What the backward keeps: the products (with each pair's forward intermediates when the forward
// was recorded) and the settings.
struct SavedProducts final : CrossAttentionSaved {
  Products products;
  Geometry geometry;
  XattnParams params;
};

}  // namespace

Tensor CpuBackend::cross_attention_forward(const Tensor& images, const Tensor& captions,
                                           const std::vector<int64_t>& cap_lens,
                                           const CrossAttentionOptions& options, bool for_backward,
                                           std::shared_ptr<CrossAttentionSaved>& saved) {
  auto state = std::make_shared<SavedProducts>();
  state->geometry = geometry_of(images, captions, cap_lens, options);
  state->params = params_of(options);
  Tensor scores = dispatch_floating(images.dtype(), "cross_attention_scores", [&]<typename T>() {
    state->products = compute_products<T>(images, captions, state->geometry);
    return scores_forward<T>(state->products, state->geometry, state->params, for_backward);
  });
  saved = state;
  return scores;
}

std::pair<Tensor, Tensor> CpuBackend::cross_attention_backward(const CrossAttentionSaved& saved,
                                                               const Tensor& grad_scores) {
  const auto& state = dynamic_cast<const SavedProducts&>(saved);
  return dispatch_floating(grad_scores.dtype(), "cross_attention_backward", [&]<typename T>() {
    return scores_backward<T>(state.products, state.geometry, state.params, grad_scores);
  });
}

Tensor CpuBackend::cross_attention_weights(const Tensor& images, const Tensor& captions,
                                           const std::vector<int64_t>& cap_lens,
                                           const CrossAttentionOptions& options) {
  const Geometry g = geometry_of(images, captions, cap_lens, options);
  const XattnParams params = params_of(options);
  const int64_t qrows = g.query_rows(), crows = g.context_rows();
  return dispatch_floating(images.dtype(), "cross_attention_weights", [&]<typename T>() {
    const Products p = compute_products<T>(images, captions, g);
    // t2i: [n_img, n_cap, L, R] (query = words, context = regions); i2t: [n_img, n_cap, R, L].
    Tensor weights = Tensor::zeros({g.n_img, g.n_cap, qrows, crows}, images.dtype());
    T* out = weights.data<T>();
    parallel_for(g.n_img * g.n_cap, 4, [&](int64_t begin, int64_t end) {
      XattnWorkspace<T> ws;
      std::vector<T> raw, alpha;
      for (int64_t pair = begin; pair < end; ++pair) {
        const int64_t i = pair / g.n_cap, c = pair % g.n_cap, nq = g.nq(c), ns = g.ns(c);
        alpha.resize(nq * ns);
        xattn_pair_forward(load_pair<T>(p, g, i, c, raw), params, ws, alpha.data());
        for (int64_t q = 0; q < nq; ++q)
          for (int64_t s = 0; s < ns; ++s) out[(pair * qrows + q) * crows + s] = alpha[q * ns + s];
      }
    });
    return weights;
  });
}

}  // namespace fw::cpu
