#include "models/scan/data/batch.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "framework/core/error.h"

namespace scan {

std::vector<int64_t> sequential_order(int64_t n) {
  std::vector<int64_t> order(static_cast<std::size_t>(std::max<int64_t>(n, 0)));
  std::iota(order.begin(), order.end(), int64_t{0});
  return order;
}

std::vector<int64_t> shuffled_order(int64_t n, fw::Generator& gen) {
  std::vector<int64_t> order = sequential_order(n);
  for (int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(gen.below(static_cast<uint64_t>(i + 1)));
    std::swap(order[i], order[j]);
  }
  return order;
}

Batch collate_captions(const CaptionImageSource& dataset, std::vector<int64_t> items) {
  fw::check(!items.empty(), "collate", "expected at least one item");
  const auto length = [&](int64_t item) { return static_cast<int64_t>(dataset.caption(item).size()); };
  std::stable_sort(items.begin(), items.end(), [&](int64_t a, int64_t b) { return length(a) > length(b); });
  Batch batch;
  batch.items = std::move(items);
  const auto size = static_cast<int64_t>(batch.items.size());
  for (int64_t item : batch.items) batch.lengths.push_back(length(item));
  const int64_t max_len = batch.lengths.front();

  batch.captions = fw::Tensor::zeros({size, max_len}, fw::DType::Int64);
  int64_t* ids = batch.captions.data<int64_t>();
  for (int64_t b = 0; b < size; ++b) {
    const std::span<const int64_t> caption = dataset.caption(batch.items[b]);
    std::copy(caption.begin(), caption.end(), ids + b * max_len);
  }
  return batch;
}

Batch collate(const CaptionImageSource& dataset, std::vector<int64_t> items) {
  Batch batch = collate_captions(dataset, std::move(items));
  const int64_t size = batch.size();
  std::vector<int64_t> rows;
  rows.reserve(batch.items.size());
  for (int64_t item : batch.items) rows.push_back(dataset.image_row(item));
  batch.images = fw::Tensor::empty({size, dataset.num_regions(), dataset.img_dim()}, fw::DType::Float32);
  dataset.copy_image_rows(rows, batch.images.data<float>());
  return batch;
}

Batcher::Batcher(const CaptionImageSource& dataset, int64_t batch_size)
    : dataset_(dataset), batch_size_(batch_size), order_(sequential_order(dataset.size())) {
  fw::check(batch_size > 0, "Batcher", "expected batch_size > 0, got ", batch_size);
}

Batch Batcher::batch(int64_t index) const {
  fw::check(index >= 0 && index < num_batches(), "Batcher::batch", "batch ", index, " is outside 0..",
            num_batches() - 1);
  const int64_t begin = index * batch_size_;
  const int64_t end = std::min(begin + batch_size_, dataset_.size());
  return collate(dataset_, std::vector<int64_t>(order_.begin() + begin, order_.begin() + end));
}

}  // namespace scan
