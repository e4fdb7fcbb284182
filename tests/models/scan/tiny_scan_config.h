#pragma once
// The tiny SCAN configuration shared by the model and checkpoint tests:
// vocab 7, word_dim 3, embed 4, img_dim 5, bi-GRU, hardest negatives, and three captions of
// lengths {4, 2, 3} padded to 4 with the pad id 0.
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/options.h"

inline scan::ScanOptions tiny_options() {
  scan::ScanOptions o;
  o.vocab_size = 7;
  o.word_dim = 3;
  o.embed_size = 4;
  o.img_dim = 5;
  o.bi_gru = true;
  o.max_violation = true;
  return o;
}

inline const std::vector<int64_t> kLengths{4, 2, 3};

inline fw::Tensor tiny_ids() {
  return fw::Tensor::from_vector<int64_t>({1, 4, 5, 2, 1, 2, 0, 0, 1, 6, 2, 0}, {3, 4});
}
