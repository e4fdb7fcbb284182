#pragma once
// SCAN's text encoder (EncoderText of the original model.py): word embeddings → GRU over each
// caption's own length (packed-sequence semantics) → for a bidirectional GRU the AVERAGE of the
// two directions, h_t = (h_t^fwd + h_t^bwd) / 2, so the output stays embed_size wide → l2norm
// of every position over the features unless no_txtnorm. Positions at or past a caption's
// length come out exactly zero.
// Submodules: "embed" (Embedding(vocab_size, word_dim), U(−0.1, 0.1)) and
// "rnn" (GRU(word_dim, embed_size, num_layers, bidirectional = bi_gru), PyTorch's init).
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/core/random.h"
#include "framework/nn/embedding.h"
#include "framework/nn/gru.h"
#include "framework/nn/module.h"
#include "models/scan/options.h"

namespace scan {

class TextEncoder : public fw::nn::Module {
 public:
  // Uses vocab_size (must be set, > 0), word_dim, embed_size, num_layers, bi_gru, no_txtnorm.
  TextEncoder(const ScanOptions& opt, fw::Generator& gen, fw::DType dtype = fw::DType::Float32);
  // ids [B, L] int64, lengths B values in 1..L -> [B, L, embed_size]
  fw::Tensor forward(const fw::Tensor& ids, const std::vector<int64_t>& lengths) const;

  const fw::nn::Embedding& embed() const { return *embed_; }
  const fw::nn::GRU& rnn() const { return *rnn_; }

 private:
  std::shared_ptr<fw::nn::Embedding> embed_;
  std::shared_ptr<fw::nn::GRU> rnn_;
  bool normalize_;
};

}  // namespace scan
