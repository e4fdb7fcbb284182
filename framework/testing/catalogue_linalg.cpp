// Catalogue cases for matmul and bmm (framework/ops/linalg.h): plain, transposed operands
// (read by BLAS through its transpose flag), strided operands (copied first) and batch
// broadcasting.
#include "framework/ops/linalg.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_linalg_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  const auto mm = [](const V& x) { return matmul(x[0], x[1]); };
  const auto bm = [](const V& x) { return bmm(x[0], x[1]); };
  const InputSpec a23{{2, 3}}, b34{{3, 4}};

  cases.push_back({"linalg/matmul", {a23, b34}, mm});
  cases.push_back({"linalg/matmul/transposed_a", {{{2, 3}, Layout::Transposed}, b34}, mm});
  cases.push_back({"linalg/matmul/transposed_b", {a23, {{3, 4}, Layout::Transposed}}, mm});
  cases.push_back({"linalg/matmul/transposed_both", {{{2, 3}, Layout::Transposed}, {{3, 4}, Layout::Transposed}}, mm});
  cases.push_back({"linalg/matmul/strided", {{{2, 3}, Layout::Strided}, {{3, 4}, Layout::Strided}}, mm});
  cases.push_back({"linalg/matmul/vector_shapes", {{{1, 3}}, {{3, 1}}}, mm});
  cases.push_back({"linalg/matmul/batched", {{{2, 2, 3}}, {{2, 3, 4}, Layout::Transposed}}, mm});
  cases.push_back({"linalg/matmul/broadcast_2d_a", {a23, {{3, 3, 4}}}, mm});
  cases.push_back({"linalg/matmul/broadcast_2d_b", {{{3, 2, 3}, Layout::Transposed}, b34}, mm});
  // A dense batch times a shared matrix: one [3·2, 3] @ [3, 4] product.
  cases.push_back({"linalg/matmul/broadcast_2d_b_stacked", {{{3, 2, 3}}, {{3, 4}, Layout::Transposed}}, mm});
  cases.push_back({"linalg/matmul/broadcast_batch1_a", {{{1, 2, 3}}, {{3, 3, 4}, Layout::Transposed}}, mm});
  cases.push_back({"linalg/matmul/broadcast_batch1_b", {{{2, 2, 3}, Layout::Strided}, {{1, 3, 4}}}, mm});
  cases.push_back({"linalg/bmm", {{{2, 2, 3}}, {{2, 3, 4}}}, bm});
  cases.push_back({"linalg/bmm/transposed", {{{2, 2, 3}, Layout::Transposed}, {{2, 3, 4}, Layout::Transposed}}, bm});
  // A batch dim that is not outermost in memory: BLAS reads each matrix through a batch stride.
  cases.push_back({"linalg/bmm/permuted_batch", {{{2, 2, 3}}, {{3, 2, 4}}},
                   [](const V& x) { return bmm(x[0], x[1].permute({1, 0, 2})); }});
}

}  // namespace fw::testing
