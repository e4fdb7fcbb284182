// Catalogue cases for the elementwise functions of one tensor (framework/ops/unary.h).
// Inputs stay where the functions are smooth: positive for log/sqrt/fractional powers, and at
// least 0.1 away from the kink of abs, relu, leaky_relu and clamp_min.
#include "framework/ops/elementwise.h"
#include "framework/ops/unary.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_unary_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  using L = Layout;
  const InputSpec m23{{2, 3}}, m23t{{2, 3}, L::Transposed}, m23s{{2, 3}, L::Strided};
  const InputSpec pos23{{2, 3}, L::Contiguous, 0.5, 2.0}, pos23t{{2, 3}, L::Transposed, 0.5, 2.0},
      pos23s{{2, 3}, L::Strided, 0.5, 2.0};
  const InputSpec kinked23{{2, 3}, L::Contiguous, -1, 1, 0.1}, kinked234t{{2, 3, 4}, L::Transposed, -1, 1, 0.1},
      kinked23s{{2, 3}, L::Strided, -1, 1, 0.1};
  const InputSpec wide23{{2, 3}, L::Contiguous, -3, 3}, wide234t{{2, 3, 4}, L::Transposed, -3, 3};

  cases.push_back({"unary/exp", {m23}, [](const V& x) { return exp(x[0]); }});
  cases.push_back({"unary/exp/transposed", {m23t}, [](const V& x) { return exp(x[0]); }});
  cases.push_back({"unary/log", {pos23}, [](const V& x) { return log(x[0]); }});
  cases.push_back({"unary/log/strided", {pos23s}, [](const V& x) { return log(x[0]); }});
  cases.push_back({"unary/sqrt", {pos23}, [](const V& x) { return sqrt(x[0]); }});
  cases.push_back({"unary/sqrt/transposed", {pos23t}, [](const V& x) { return sqrt(x[0]); }});
  cases.push_back({"unary/pow/square", {m23}, [](const V& x) { return pow(x[0], 2.0); }});
  cases.push_back({"unary/pow/cube_strided", {m23s}, [](const V& x) { return pow(x[0], 3.0); }});
  cases.push_back({"unary/pow/fractional", {pos23}, [](const V& x) { return pow(x[0], 1.5); }});
  cases.push_back({"unary/pow/negative_transposed", {pos23t}, [](const V& x) { return pow(x[0], -0.5); }});
  cases.push_back({"unary/pow/zero", {m23}, [](const V& x) { return pow(x[0], 0.0); }});
  cases.push_back({"unary/abs", {kinked23}, [](const V& x) { return abs(x[0]); }});
  cases.push_back({"unary/abs/transposed", {kinked234t}, [](const V& x) { return abs(x[0]); }});
  cases.push_back({"unary/sigmoid", {wide23}, [](const V& x) { return sigmoid(x[0]); }});
  cases.push_back({"unary/sigmoid/transposed", {wide234t}, [](const V& x) { return sigmoid(x[0]); }});
  cases.push_back({"unary/tanh", {wide23}, [](const V& x) { return tanh(x[0]); }});
  cases.push_back({"unary/tanh/strided", {m23s}, [](const V& x) { return tanh(x[0]); }});
  cases.push_back({"unary/relu", {kinked23}, [](const V& x) { return relu(x[0]); }});
  cases.push_back({"unary/relu/strided", {kinked23s}, [](const V& x) { return relu(x[0]); }});
  cases.push_back({"unary/leaky_relu", {kinked23}, [](const V& x) { return leaky_relu(x[0], 0.1); }});
  cases.push_back({"unary/leaky_relu/transposed", {kinked234t}, [](const V& x) { return leaky_relu(x[0], 0.2); }});
  // x + 0.3 crosses the bound 0.3 where x crosses 0, which min_magnitude keeps 0.1 away.
  cases.push_back({"unary/clamp_min", {kinked23}, [](const V& x) { return clamp_min(x[0] + 0.3, 0.3); }});
  cases.push_back({"unary/clamp_min/strided", {kinked23s}, [](const V& x) { return clamp_min(x[0], 0.0); }});
  cases.push_back({"unary/clamp_min/below_data", {m23t}, [](const V& x) { return clamp_min(x[0], -5.0); }});
}

}  // namespace fw::testing
