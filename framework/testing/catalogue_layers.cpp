// Catalogue cases for the small layers: linear, embedding.
#include "framework/nn/linear.h"
#include "framework/ops/indexing.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_layer_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  cases.push_back({"layers/linear", {InputSpec{{2, 3, 4}}, InputSpec{{5, 4}}, InputSpec{{5}}},
                   [](const V& x) { return nn::linear(x[0], x[1], x[2]); }});
  cases.push_back({"layers/linear/transposed_input", {InputSpec{{3, 4}, Layout::Transposed}, InputSpec{{2, 4}}},
                   [](const V& x) { return nn::linear(x[0], x[1], Tensor()); }});
  cases.push_back({"layers/embedding", {InputSpec{{5, 3}}}, [](const V& x) {
                     const Tensor ids = Tensor::from_vector<int64_t>({1, 4, 1, 0, 2, 1}, {2, 3});
                     return embedding(x[0], ids);
                   }});
}

}  // namespace fw::testing
