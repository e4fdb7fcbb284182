// Catalogue cases for reductions and softmax (framework/ops/reduce.h).
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_reduce_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  const InputSpec m234{{2, 3, 4}}, m234t{{2, 3, 4}, Layout::Transposed};
  cases.push_back({"reduce/sum/all", {m234}, [](const V& x) { return sum(x[0]); }});
  cases.push_back({"reduce/sum/dim", {m234}, [](const V& x) { return sum(x[0], 1); }});
  cases.push_back({"reduce/sum/dim_keepdim", {m234t}, [](const V& x) { return sum(x[0], -1, true); }});
  cases.push_back({"reduce/sum/dims", {m234}, [](const V& x) { return sum(x[0], {0, 2}); }});
}

}  // namespace fw::testing
