#pragma once
// Mini-batches of a CaptionImageSource (source.h: the on-disk PrecompDataset or the synthetic
// data), as the original DataLoader + `collate_fn`:
//   - an epoch visits every item once, in a seeded random order for training or in dataset order
//     for evaluation; batches hold batch_size items, the last one what is left (drop_last=False);
//   - within a batch the items are sorted by caption length, descending (stable: equal lengths keep
//     their order), and images, captions and item ids move together.
//   Batcher batches(dataset, 128);
//   batches.shuffle(gen);                        // new epoch order
//   for (int64_t b = 0; b < batches.num_batches(); ++b) { Batch batch = batches.batch(b); ... }
#include <cstdint>
#include <vector>

#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "models/scan/data/source.h"

namespace scan {

struct Batch {
  fw::Tensor images;             // [B, regions, img_dim] float32
  fw::Tensor captions;           // [B, max_len] int64, padded with 0 (<pad>)
  std::vector<int64_t> lengths;  // caption lengths including <start> and <end>, descending
  std::vector<int64_t> items;    // the dataset item of each row
  int64_t size() const { return static_cast<int64_t>(items.size()); }
};

// A random permutation of 0..n-1 (Fisher-Yates: for i = n-1 down to 1, swap element i with
// element gen.below(i + 1)).
std::vector<int64_t> shuffled_order(int64_t n, fw::Generator& gen);
std::vector<int64_t> sequential_order(int64_t n);

// Collates the given dataset items into a batch (sorted as described above).
Batch collate(const CaptionImageSource& dataset, std::vector<int64_t> items);
// The same batch without its images (batch.images left undefined): for encoding captions only,
// e.g. models/scan/eval/streamed_scores.h. Items, lengths and captions are exactly collate()'s.
Batch collate_captions(const CaptionImageSource& dataset, std::vector<int64_t> items);

class Batcher {
 public:
  // Starts in dataset order. The dataset must outlive the Batcher.
  Batcher(const CaptionImageSource& dataset, int64_t batch_size);

  void shuffle(fw::Generator& gen) { order_ = shuffled_order(dataset_.size(), gen); }
  void sequential() { order_ = sequential_order(dataset_.size()); }
  const std::vector<int64_t>& order() const { return order_; }

  int64_t batch_size() const { return batch_size_; }
  int64_t num_batches() const { return (dataset_.size() + batch_size_ - 1) / batch_size_; }
  // The index-th batch of the current order.
  Batch batch(int64_t index) const;

 private:
  const CaptionImageSource& dataset_;
  int64_t batch_size_;
  std::vector<int64_t> order_;
};

}  // namespace scan
