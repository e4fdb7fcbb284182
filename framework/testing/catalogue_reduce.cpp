// Catalogue cases for reductions and softmax (framework/ops/reduce.h). Uniform random inputs
// have distinct values, so max has no ties.
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_reduce_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  const InputSpec m234{{2, 3, 4}}, m234t{{2, 3, 4}, Layout::Transposed}, m234s{{2, 3, 4}, Layout::Strided};
  const InputSpec wide234{{2, 3, 4}, Layout::Contiguous, -3, 3};
  cases.push_back({"reduce/sum/all", {m234}, [](const V& x) { return sum(x[0]); }});
  cases.push_back({"reduce/sum/dim", {m234}, [](const V& x) { return sum(x[0], 1); }});
  cases.push_back({"reduce/sum/dim_keepdim", {m234t}, [](const V& x) { return sum(x[0], -1, true); }});
  cases.push_back({"reduce/sum/dims", {m234}, [](const V& x) { return sum(x[0], {0, 2}); }});
  cases.push_back({"reduce/sum/dims_strided", {m234s}, [](const V& x) { return sum(x[0], {0, 2}, true); }});

  cases.push_back({"reduce/mean/all", {m234}, [](const V& x) { return mean(x[0]); }});
  cases.push_back({"reduce/mean/dim", {m234}, [](const V& x) { return mean(x[0], 1); }});
  cases.push_back({"reduce/mean/dim_keepdim", {m234t}, [](const V& x) { return mean(x[0], -1, true); }});
  cases.push_back({"reduce/mean/dims", {m234}, [](const V& x) { return mean(x[0], {0, 2}); }});
  cases.push_back({"reduce/mean/dims_keepdim", {m234s}, [](const V& x) { return mean(x[0], {2, 0}, true); }});

  cases.push_back({"reduce/max/dim0", {m234}, [](const V& x) { return max(x[0], 0); }});
  cases.push_back({"reduce/max/dim1", {m234t}, [](const V& x) { return max(x[0], 1); }});
  cases.push_back({"reduce/max/dim_keepdim", {m234s}, [](const V& x) { return max(x[0], -1, true); }});

  cases.push_back({"reduce/logsumexp/dim0", {wide234}, [](const V& x) { return logsumexp(x[0], 0); }});
  cases.push_back({"reduce/logsumexp/dim1", {m234t}, [](const V& x) { return logsumexp(x[0], 1); }});
  cases.push_back({"reduce/logsumexp/dim_keepdim", {m234s}, [](const V& x) { return logsumexp(x[0], -1, true); }});

  cases.push_back({"reduce/softmax/dim0", {wide234}, [](const V& x) { return softmax(x[0], 0); }});
  cases.push_back({"reduce/softmax/dim1", {m234s}, [](const V& x) { return softmax(x[0], 1); }});
  cases.push_back({"reduce/softmax/dim_last", {m234t}, [](const V& x) { return softmax(x[0], -1); }});
}

}  // namespace fw::testing
