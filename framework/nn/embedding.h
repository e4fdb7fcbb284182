#pragma once
// Embedding(V, dim): a lookup table; forward(ids [...]) -> [..., dim]. Parameter: weight [V, dim].
#include "framework/core/random.h"
#include "framework/nn/module.h"

namespace fw::nn {

class Embedding : public Module {
 public:
  // weight ~ U(init_low, init_high); SCAN uses U(−0.1, 0.1). (PyTorch's own default is N(0, 1).)
  Embedding(int64_t num_embeddings, int64_t dim, Generator& gen, double init_low = -0.1, double init_high = 0.1,
            DType dtype = DType::Float32);
  Tensor forward(const Tensor& ids) const;

  Tensor& weight;
  const int64_t num_embeddings, dim;
};

}  // namespace fw::nn
