// Catalogue cases for the fused GRU (framework/ops/gru.h). Every weight and bias is an input, so
// the gradcheck covers x and all parameters. Each case checks output and h_n together: the
// function returns both, flattened and joined, so the random projection reaches both gradients.
#include "framework/ops/gru.h"
#include "framework/ops/indexing.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

namespace {

constexpr int64_t kBatch = 3, kTime = 4, kInput = 3, kHidden = 2;

// x [B, T, in] followed by the 4 weights of each layer and direction, in PyTorch's order.
std::vector<InputSpec> gru_inputs(int64_t layers, int64_t dirs, Layout x_layout = Layout::Contiguous,
                                  Layout w_ih_layout = Layout::Contiguous) {
  std::vector<InputSpec> specs{{{kBatch, kTime, kInput}, x_layout}};
  for (int64_t k = 0; k < layers; ++k)
    for (int64_t d = 0; d < dirs; ++d) {
      specs.push_back({{3 * kHidden, k == 0 ? kInput : kHidden * dirs}, w_ih_layout});
      specs.push_back({{3 * kHidden, kHidden}});
      specs.push_back({{3 * kHidden}});
      specs.push_back({{3 * kHidden}});
    }
  return specs;
}

TensorFunction gru_fn(std::vector<int64_t> lengths, int64_t layers, bool bidirectional) {
  return [=](const std::vector<Tensor>& in) {
    const GruOutput r = gru(in[0], lengths, {in.begin() + 1, in.end()}, layers, bidirectional);
    return cat({r.output.reshape({-1}), r.h_n.reshape({-1})}, 0);
  };
}

}  // namespace

void add_gru_cases(std::vector<OpCase>& cases) {
  cases.push_back({"layers/gru/unidirectional", gru_inputs(1, 1), gru_fn({4, 2, 3}, 1, false)});
  cases.push_back({"layers/gru/unidirectional/full_lengths", gru_inputs(1, 1), gru_fn({4, 4, 4}, 1, false)});
  cases.push_back({"layers/gru/bidirectional/mixed_lengths", gru_inputs(1, 2), gru_fn({2, 4, 1}, 1, true)});
  cases.push_back({"layers/gru/bidirectional/views", gru_inputs(1, 2, Layout::Transposed, Layout::Strided),
                   gru_fn({3, 1, 4}, 1, true)});
  cases.push_back({"layers/gru/two_layers/unidirectional", gru_inputs(2, 1), gru_fn({1, 4, 3}, 2, false)});
  cases.push_back({"layers/gru/two_layers/bidirectional", gru_inputs(2, 2), gru_fn({3, 1, 4}, 2, true)});
}

}  // namespace fw::testing
