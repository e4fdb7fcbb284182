// Catalogue cases for gathering, joining and masking (framework/ops/indexing.h). Integer
// inputs (ids, indices, masks, conditions) are fixed tensors captured by each case; only the
// float inputs are drawn.
#include "framework/ops/indexing.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_indexing_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  using I = std::vector<int64_t>;
  const InputSpec m23{{2, 3}};

  // Ids 1 and 0 repeat: their rows accumulate gradient from several positions.
  const Tensor ids = Tensor::from_vector<int64_t>(I{1, 3, 1, 4, 1, 0}, {2, 3});
  cases.push_back({"indexing/embedding/repeated_ids", {{{5, 3}}},
                   [ids](const V& x) { return embedding(x[0], ids); }});
  cases.push_back({"indexing/embedding/transposed_weight", {{{5, 3}, Layout::Transposed}},
                   [ids](const V& x) { return embedding(x[0], ids); }});

  const Tensor rows = Tensor::from_vector<int64_t>(I{2, 0, 2, 3}, {4});
  cases.push_back({"indexing/index_select/dim0", {{{4, 3}}},
                   [rows](const V& x) { return index_select(x[0], 0, rows); }});
  const Tensor cols = Tensor::from_vector<int64_t>(I{3, 1, 1}, {3});
  cases.push_back({"indexing/index_select/dim1_strided", {{{2, 4}, Layout::Strided}},
                   [cols](const V& x) { return index_select(x[0], 1, cols); }});
  cases.push_back({"indexing/index_select/middle_dim", {{{2, 4, 2}}},
                   [cols](const V& x) { return index_select(x[0], -2, cols); }});

  cases.push_back({"indexing/cat/dim0", {m23, {{1, 3}}, {{3, 3}, Layout::Transposed}},
                   [](const V& x) { return cat(x, 0); }});
  cases.push_back({"indexing/cat/last", {{{2, 1}}, {{2, 3}, Layout::Strided}, {{2, 2}}},
                   [](const V& x) { return cat(x, -1); }});
  cases.push_back({"indexing/stack/dim0", {m23, {{2, 3}, Layout::Transposed}},
                   [](const V& x) { return stack(x, 0); }});
  cases.push_back({"indexing/stack/last", {m23, {{2, 3}, Layout::Strided}, m23},
                   [](const V& x) { return stack(x, -1); }});

  // The mask [2, 1, 3] broadcasts over the middle dim of x [2, 2, 3].
  const Tensor mask = Tensor::from_vector<int64_t>(I{1, 0, 0, 0, 1, 1}, {2, 1, 3});
  cases.push_back({"indexing/masked_fill/broadcast_mask", {{{2, 2, 3}}},
                   [mask](const V& x) { return masked_fill(x[0], mask.to(x[0].device()), -5.0); }});
  const Tensor float_mask = Tensor::from_vector<float>({0.f, 2.f, 0.f}, {3});
  cases.push_back({"indexing/masked_fill/float_mask_transposed", {{{2, 3}, Layout::Transposed}},
                   [float_mask](const V& x) { return masked_fill(x[0], float_mask.to(x[0].device()), 0.0); }});

  // condition [2, 1] x a [2, 3] x b [3] -> [2, 3]; and a condition that broadcasts both operands.
  const Tensor cond = Tensor::from_vector<int64_t>(I{1, 0}, {2, 1});
  cases.push_back({"indexing/where/broadcast", {m23, {{3}}},
                   [cond](const V& x) { return where(cond.to(x[0].device()), x[0], x[1]); }});
  const Tensor cond23 = Tensor::from_vector<int64_t>(I{1, 0, 1, 0, 0, 1}, {2, 3});
  cases.push_back({"indexing/where/broadcast_operands", {{{2, 1}}, {{1, 3}}},
                   [cond23](const V& x) { return where(cond23.to(x[0].device()), x[0], x[1]); }});
  cases.push_back({"indexing/where/views", {{{2, 3}, Layout::Transposed}, {{2, 3}, Layout::Strided}},
                   [cond23](const V& x) { return where(cond23.to(x[0].device()), x[0], x[1]); }});
}

}  // namespace fw::testing
