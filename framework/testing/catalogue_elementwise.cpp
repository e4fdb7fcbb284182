// Catalogue cases for the binary arithmetic ops (framework/ops/elementwise.h).
#include "framework/ops/elementwise.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_elementwise_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  const InputSpec m23{{2, 3}}, row3{{3}}, col21{{2, 1}}, m23t{{2, 3}, Layout::Transposed},
      m23s{{2, 3}, Layout::Strided};
  const InputSpec away23{{2, 3}, Layout::Contiguous, -1, 1, 0.5};  // for divisors

  cases.push_back({"elementwise/add", {m23, m23}, [](const V& x) { return x[0] + x[1]; }});
  cases.push_back({"elementwise/add/broadcast", {m23, row3}, [](const V& x) { return x[0] + x[1]; }});
  cases.push_back({"elementwise/add/broadcast_both", {col21, row3}, [](const V& x) { return x[0] + x[1]; }});
  cases.push_back({"elementwise/add/views", {m23t, m23s}, [](const V& x) { return x[0] + x[1]; }});
  cases.push_back({"elementwise/sub/broadcast", {m23, col21}, [](const V& x) { return x[0] - x[1]; }});
  cases.push_back({"elementwise/mul", {m23, m23t}, [](const V& x) { return x[0] * x[1]; }});
  cases.push_back({"elementwise/mul/broadcast", {col21, m23s}, [](const V& x) { return x[0] * x[1]; }});
  cases.push_back({"elementwise/div", {m23, away23}, [](const V& x) { return x[0] / x[1]; }});
  cases.push_back({"elementwise/div/broadcast",
                   {row3, InputSpec{{2, 1}, Layout::Contiguous, -1, 1, 0.5}},
                   [](const V& x) { return x[0] / x[1]; }});
  cases.push_back({"elementwise/neg", {m23t}, [](const V& x) { return -x[0]; }});
  cases.push_back({"elementwise/add_scalar", {m23}, [](const V& x) { return x[0] + 2.5; }});
  cases.push_back({"elementwise/mul_scalar", {m23s}, [](const V& x) { return x[0] * -3.0; }});
  cases.push_back({"elementwise/rsub_scalar", {m23}, [](const V& x) { return 1.0 - x[0]; }});
  cases.push_back({"elementwise/rdiv_scalar", {away23}, [](const V& x) { return 2.0 / x[0]; }});
}

}  // namespace fw::testing
