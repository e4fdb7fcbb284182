#pragma once
// What a trained SCAN aligns in one image-caption pair: the attention weights of both directions
// and how relevant each attended vector is to the pair's score (ops/cross_attention.h has the
// formulas). With regions v_r and words e_j after the encoders:
//   text-to-image  α[j, r] (each word's weights over the regions, summing to 1), the attended
//                  region vector a_j = Σ_r α[j, r] v_r and the word's relevance R_j = cos(e_j, a_j);
//   image-to-text  β[r, j] (each region's weights over the words), a_r = Σ_j β[r, j] e_j and the
//                  region's relevance R_r = cos(v_r, a_r).
// Both directions use the model's first normalisation and λ1, whichever direction it was trained
// with; `score` is the model's own score of the pair (its trained direction and aggregation).
//   PairAlignment a = align_pair(model, features, vocab.encode_caption("a red circle ."), vocab);
//   a.word_to_region(2, r)   // how much "red" attends region r
#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/data/vocab.h"
#include "models/scan/model/scan_model.h"

namespace scan {

struct PairAlignment {
  std::vector<std::string> words;  // the caption's tokens, <start> and <end> included
  int64_t regions = 0;
  std::vector<double> t2i;          // α, words.size() x regions, row-major
  std::vector<double> i2t;          // β, regions x words.size(), row-major
  std::vector<double> word_relevance;    // R_j, one per word
  std::vector<double> region_relevance;  // R_r, one per region
  double score = 0;

  int64_t num_words() const { return static_cast<int64_t>(words.size()); }
  double word_to_region(int64_t word, int64_t region) const { return t2i[word * regions + region]; }
  double region_to_word(int64_t region, int64_t word) const { return i2t[region * num_words() + word]; }
  // The region word `word` attends most (the first of equal maxima).
  int64_t top_region(int64_t word) const;
  // Whether token `word` is one of <pad> <start> <end> (not drawn as a word of the caption).
  bool is_special(int64_t word) const;
};

// `features` [R, img_dim] (float32, one image's regions, as stored in {split}_ims.npy), `ids` the
// caption's token ids with <start> and <end> (Vocabulary::encode_caption). No autograd graph is
// built. fw::Error if the caption has no known word (only <unk> between <start> and <end>), or the
// shapes do not fit the model.
PairAlignment align_pair(const ScanModel& model, const fw::Tensor& features, const std::vector<int64_t>& ids,
                         const Vocabulary& vocab);

}  // namespace scan
