#pragma once
// Inputs of SCAN's real sizes for `scan bench`, and the work each benchmark does, in FLOPs.
//
// Sizes (BenchSizes' defaults): the Flickr30K/COCO configuration of the paper — 36 regions of
// 2048-d features, embed 1024, word_dim 300, bi-GRU — with batches of 128 captions of 8 to 16
// words (12 on average, Flickr30K's mean), plus <start> and <end>, and a vocabulary of 8,481
// words (Flickr30K's). BenchSource is a CaptionImageSource of random data of these sizes: region
// features uniform in [0, 1) (non-negative, like the ReLU'd CNN features of the original),
// generated row by row from the seed whenever asked, so 5,000 images cost no memory.
//
// FLOPs count the matrix products a step or an evaluation cannot avoid, 2 per multiply-add,
// from the shapes alone (N captions and images, R regions, D img_dim, E embed, W word_dim,
// T = total tokens of the captions, lengths including <start> and <end>):
//   image encoder   forward N R D E multiply-adds, weight gradient as many      -> 4 N R D E FLOPs
//   bi-GRU          per token and direction 3E (W + E) multiply-adds forward; the backward
//                   needs the input and the weight gradients, twice the forward  -> 3 x 2 x 2 T 3E (W + E)
//   cross attention the raw scores of every word of every caption against every region of every
//                   image, n_img R E T multiply-adds forward, and two products of that size
//                   backward                                                     -> 6 n_img R E T
// so that GFLOP/s against the machine's sgemm rate says how close a run is to its roofline. Left
// out: the Gram matrices of the regions (about 2% more) and the padding of each batch to its
// longest caption. The same count is used for PyTorch, whose original code also forms the
// attention-weighted regions (a product as large as the raw scores): its GFLOP/s is the useful
// work per second, not its arithmetic rate.
// An evaluation only runs forwards: 2 n_img R D E + 2 x 2 T 3E (W + E) + 2 n_img R E T.
#include <cstdint>
#include <span>
#include <vector>

#include "models/scan/data/batch.h"
#include "models/scan/data/source.h"
#include "models/scan/options.h"

namespace scan {

struct BenchSizes {
  int64_t regions = 36, img_dim = 2048, embed_size = 1024, word_dim = 300, vocab_size = 8481;
  int64_t min_words = 8, max_words = 16;  // words per caption, uniform; <start> and <end> come on top
  int64_t batch_size = 128;
};

// The Flickr30K t-i AVG configuration (train.py flags --bi_gru --max_violation --agg_func Mean
// --lambda_softmax 9 --cross_attn t2i, clipped_l2norm) at `sizes`.
ScanOptions bench_options(const BenchSizes& sizes);

class BenchSource : public CaptionImageSource {
 public:
  // `images` images with 5 captions each (items 5k..5k+4 describe image k).
  BenchSource(const BenchSizes& sizes, int64_t images, uint64_t seed);

  int64_t size() const override { return static_cast<int64_t>(offsets_.size()) - 1; }
  int64_t num_images() const override { return images_; }
  int64_t image_row(int64_t item) const override { return item / 5; }
  std::span<const int64_t> caption(int64_t item) const override;
  int64_t num_regions() const override { return sizes_.regions; }
  int64_t img_dim() const override { return sizes_.img_dim; }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override;

  // Sum of the caption lengths of the given items (<start> and <end> included).
  int64_t tokens(const std::vector<int64_t>& items) const;
  int64_t tokens() const;  // of every caption
  const BenchSizes& sizes() const { return sizes_; }

 private:
  BenchSizes sizes_;
  int64_t images_;
  uint64_t seed_;
  std::vector<int64_t> ids_, offsets_;
};

// A training batch of batch_size captions of distinct images (items 0, 5, 10, ...).
Batch bench_batch(const BenchSource& source);

double train_step_flops(const BenchSizes& sizes, int64_t batch_size, int64_t tokens);
double evaluation_flops(const BenchSizes& sizes, int64_t images, int64_t tokens);

}  // namespace scan
