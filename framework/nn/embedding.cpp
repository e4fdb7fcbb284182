#include "framework/nn/embedding.h"

#include "framework/ops/indexing.h"

namespace fw::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t dim, Generator& gen, double init_low, double init_high,
                     DType dtype)
    : weight(register_parameter("weight", Tensor::uniform({num_embeddings, dim}, init_low, init_high, gen, dtype))),
      num_embeddings(num_embeddings),
      dim(dim) {
  check(num_embeddings > 0 && dim > 0, "Embedding", "sizes must be positive, got ", num_embeddings, " x ", dim);
}

Tensor Embedding::forward(const Tensor& ids) const { return embedding(weight, ids); }

}  // namespace fw::nn
