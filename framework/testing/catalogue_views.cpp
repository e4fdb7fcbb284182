// Catalogue cases for views and copies (framework/core/tensor.h, framework/ops/view_ops.cpp).
// Each view is followed by a multiplication with fixed weights so that every output element
// has a distinct gradient (a view's backward must route each one to the right input element).
#include "framework/ops/elementwise.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_view_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  const InputSpec m234{{2, 3, 4}}, m234t{{2, 3, 4}, Layout::Transposed}, m23{{2, 3}};
  cases.push_back({"view/reshape", {m234}, [](const V& x) { return x[0].reshape({4, -1}); }});
  cases.push_back({"view/reshape/copy", {m234t}, [](const V& x) { return x[0].reshape({-1}); }});
  cases.push_back({"view/transpose", {m234}, [](const V& x) { return x[0].transpose(0, 2); }});
  cases.push_back({"view/permute", {m234t}, [](const V& x) { return x[0].permute({2, 0, 1}); }});
  cases.push_back({"view/narrow", {m234}, [](const V& x) { return x[0].narrow(2, 1, 2); }});
  cases.push_back({"view/select", {m234t}, [](const V& x) { return x[0].select(1, -1); }});
  cases.push_back({"view/unsqueeze_squeeze", {m23}, [](const V& x) { return x[0].unsqueeze(1).squeeze(1); }});
  cases.push_back({"view/unsqueeze", {m23}, [](const V& x) { return x[0].unsqueeze(-1) * x[0].unsqueeze(1); }});
  cases.push_back({"view/expand", {InputSpec{{2, 1, 4}}}, [](const V& x) { return x[0].expand({3, 2, 5, 4}); }});
  cases.push_back({"view/contiguous", {m234t}, [](const V& x) { return x[0].contiguous(); }});
  cases.push_back({"view/clone", {m23}, [](const V& x) { return x[0].clone() * x[0]; }});
  cases.push_back({"view/to_float32_and_back", {m23},
                   [](const V& x) { return x[0].to(DType::Float32).to(DType::Float64); },
                   GradcheckOptions{.step = 1e-3, .atol = 1e-3, .rtol = 1e-3}});
}

}  // namespace fw::testing
