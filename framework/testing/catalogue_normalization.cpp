// Catalogue cases for l2norm and cosine_similarity (framework/ops/normalization.h), including
// a large eps so that the epsilon terms themselves are differentiated.
#include "framework/ops/normalization.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_normalization_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;

  cases.push_back({"normalization/l2norm/last", {{{3, 4}}}, [](const V& x) { return l2norm(x[0], -1); }});
  cases.push_back({"normalization/l2norm/dim0_transposed", {{{3, 4}, Layout::Transposed}},
                   [](const V& x) { return l2norm(x[0], 0); }});
  cases.push_back({"normalization/l2norm/middle_strided", {{{2, 3, 4}, Layout::Strided}},
                   [](const V& x) { return l2norm(x[0], 1); }});
  // eps comparable to the norm: checks that eps is added after the square root.
  cases.push_back({"normalization/l2norm/large_eps", {{{2, 3}}}, [](const V& x) { return l2norm(x[0], 1, 0.5); }});

  cases.push_back({"normalization/cosine", {{{3, 4}}, {{3, 4}}},
                   [](const V& x) { return cosine_similarity(x[0], x[1], 1); }});
  cases.push_back({"normalization/cosine/broadcast", {{{3, 1, 4}}, {{2, 4}, Layout::Strided}},
                   [](const V& x) { return cosine_similarity(x[0], x[1], -1); }});
  cases.push_back({"normalization/cosine/transposed_dim0", {{{3, 4}, Layout::Transposed}, {{3, 4}}},
                   [](const V& x) { return cosine_similarity(x[0], x[1], 0); }});
  // a broadcast along the reduced dim itself: [2, 1] against [2, 3] over dim 1.
  cases.push_back({"normalization/cosine/broadcast_reduced_dim", {{{2, 1}}, {{2, 3}}},
                   [](const V& x) { return cosine_similarity(x[0], x[1], 1); }});
  // ‖a‖‖b‖ <= 4 for these inputs, so eps = 10 clamps every row: the result is Σ a⊙b / 10.
  cases.push_back({"normalization/cosine/clamped", {{{2, 4}}, {{2, 4}}},
                   [](const V& x) { return cosine_similarity(x[0], x[1], 1, 10.0); }});
}

}  // namespace fw::testing
