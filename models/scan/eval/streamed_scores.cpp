#include "models/scan/eval/streamed_scores.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "models/scan/data/batch.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/eval/score_tiles.h"

namespace scan {

namespace {

constexpr const char* kOp = "score_split";
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The file-order items [begin, end).
std::vector<int64_t> item_range(int64_t begin, int64_t end) {
  std::vector<int64_t> items(static_cast<std::size_t>(end - begin));
  std::iota(items.begin(), items.end(), begin);
  return items;
}

void copy_floats(float* to, const float* from, int64_t count) {
  std::memcpy(to, from, static_cast<std::size_t>(count) * sizeof(float));
}

// The kept images [n_img, R, d]: image k = data.image_row(5k), encoded batch by batch in the
// groups and order encode_split uses (the kept items of batch b as collate sorts them), so that
// the encoder sees the same inputs and each row comes out bitwise the same.
fw::Tensor encode_kept_images(const ScanModel& model, const CaptionImageSource& data, int64_t batch_size) {
  const int64_t n_cap = data.size(), n_img = n_cap / kCaptionsPerImage;
  fw::Tensor out;
  for (int64_t begin = 0; begin < n_cap; begin += batch_size) {
    const Batch batch = collate_captions(data, item_range(begin, std::min(begin + batch_size, n_cap)));
    std::vector<int64_t> kept, rows;
    for (const int64_t item : batch.items)
      if (item % kCaptionsPerImage == 0) {
        kept.push_back(item / kCaptionsPerImage);
        rows.push_back(data.image_row(item));
      }
    if (kept.empty()) continue;
    fw::Tensor features =
        fw::Tensor::empty({static_cast<int64_t>(rows.size()), data.num_regions(), data.img_dim()}, fw::DType::Float32);
    data.copy_image_rows(rows, features.data<float>());
    const fw::Tensor ims = model.encode_images(features).contiguous();
    if (!out.defined()) out = fw::Tensor::empty({n_img, ims.size(1), ims.size(2)}, fw::DType::Float32);
    const int64_t numel = ims.size(1) * ims.size(2);
    for (size_t k = 0; k < kept.size(); ++k)
      copy_floats(out.data<float>() + kept[k] * numel, ims.data<float>() + static_cast<int64_t>(k) * numel, numel);
  }
  return out;
}

// File-order batch `index` of the captions (items [index * batch_size, ...), sorted by length by
// collate, as encode_split takes them) and its encoding [B, L_b, d].
struct EncodedBatch {
  int64_t index = -1;
  Batch batch;
  fw::Tensor captions;
};

EncodedBatch encode_batch(const ScanModel& model, const CaptionImageSource& data, int64_t index, int64_t batch_size,
                          int64_t d) {
  EncodedBatch out;
  out.index = index;
  const int64_t begin = index * batch_size;
  out.batch = collate_captions(data, item_range(begin, std::min(begin + batch_size, data.size())));
  out.captions = model.encode_captions(out.batch.captions, out.batch.lengths).contiguous();
  fw::check(out.captions.size(2) == d, kOp, "caption embeddings have ", out.captions.size(2), " features, images ",
            d);
  return out;
}

// One window's captions (items [begin, end)) laid out as its tiles: buffers[k] holds the window's
// k-th tile of the plan, [nc, padded_length, d], zero past each caption's length.
struct WindowTiles {
  int64_t begin = 0, end = 0;
  std::vector<fw::Tensor> buffers;
  std::vector<std::pair<size_t, int64_t>> slot_of;  // item - begin -> (buffer, row)
};

WindowTiles window_tiles(const std::vector<CaptionTile>& plan, size_t first, size_t last, int64_t begin, int64_t end,
                         int64_t d) {
  WindowTiles w{begin, end, {}, std::vector<std::pair<size_t, int64_t>>(static_cast<size_t>(end - begin))};
  for (size_t t = first; t < last; ++t) {
    const auto nc = static_cast<int64_t>(plan[t].members.size());
    for (int64_t j = 0; j < nc; ++j) w.slot_of[plan[t].members[j] - begin] = {t - first, j};
    w.buffers.push_back(fw::Tensor::zeros({nc, plan[t].padded_length, d}, fw::DType::Float32));
  }
  return w;
}

// Copies the captions of `encoded` that fall in the window into their tiles.
void place(const EncodedBatch& encoded, WindowTiles& w) {
  const fw::Tensor& caps = encoded.captions;
  const int64_t d = caps.size(2);
  for (int64_t p = 0; p < encoded.batch.size(); ++p) {
    const int64_t item = encoded.batch.items[p];
    if (item < w.begin || item >= w.end) continue;
    const auto [k, row] = w.slot_of[item - w.begin];
    fw::Tensor& buffer = w.buffers[k];
    copy_floats(buffer.data<float>() + row * buffer.size(1) * d, caps.data<float>() + p * caps.size(1) * d,
                encoded.batch.lengths[p] * d);
  }
}

}  // namespace

fw::Tensor score_split(const ScanModel& model, const CaptionImageSource& data, int batch_size, int64_t shard,
                       const SimsProgress& progress, ScoreTimes* times) {
  const int64_t n_cap = data.size();
  fw::check(n_cap > 0 && n_cap % kCaptionsPerImage == 0, kOp, "expected a positive multiple of ", kCaptionsPerImage,
            " captions (", kCaptionsPerImage, " per image), got ", n_cap);
  fw::check(batch_size > 0, kOp, "expected batch_size > 0, got ", batch_size);
  fw::check(shard > 0, kOp, "expected shard > 0, got ", shard);
  fw::check(model.dtype() == fw::DType::Float32, kOp, "expected a float32 model, got ",
            fw::dtype_name(model.dtype()));
  fw::NoGradGuard no_grad;
  ScoreTimes spent;

  auto start = Clock::now();
  const fw::Tensor images = encode_kept_images(model, data, batch_size);
  spent.encode_seconds += seconds_since(start);
  const int64_t n_img = images.size(0), d = images.size(2);

  std::vector<int64_t> lengths;
  for (int64_t item = 0; item < n_cap; ++item) lengths.push_back(static_cast<int64_t>(data.caption(item).size()));
  const int64_t max_len = *std::max_element(lengths.begin(), lengths.end());
  const std::vector<CaptionTile> plan = plan_caption_tiles(lengths, shard, max_len);  // compute_sims' tiles
  const int64_t window = tiling_window(n_cap, shard);

  fw::Tensor sims = fw::Tensor::empty({n_img, n_cap}, fw::DType::Float32);
  EncodedBatch carried;  // the last batch encoded, kept as it may reach into the next window
  int64_t done = 0;
  for (int64_t begin = 0; begin < n_cap; begin += window) {
    const int64_t end = std::min(begin + window, n_cap);
    const auto first = static_cast<size_t>(begin / window * kTilesPerWindow);
    const size_t last = std::min(plan.size(), first + static_cast<size_t>(kTilesPerWindow));
    start = Clock::now();
    WindowTiles tiles = window_tiles(plan, first, last, begin, end, d);
    for (int64_t b = begin / batch_size; b * batch_size < end; ++b) {  // the batches that overlap the window
      if (carried.index != b) carried = encode_batch(model, data, b, batch_size, d);
      place(carried, tiles);
    }
    spent.encode_seconds += seconds_since(start);
    for (size_t k = 0; k < tiles.buffers.size(); ++k) {
      const CaptionTile& tile = plan[first + k];
      start = Clock::now();
      for (int64_t i0 = 0; i0 < n_img; i0 += shard)
        score_into_columns(model, images.narrow(0, i0, std::min(shard, n_img - i0)), tiles.buffers[k], tile.lengths,
                           tile.members, i0, sims);
      spent.score_seconds += seconds_since(start);
      done += static_cast<int64_t>(tile.members.size());
      if (progress) progress(done, n_cap);
    }
  }  // each window's tiles are freed here, before the next window's are filled
  if (times) *times = spent;
  return sims;
}

}  // namespace scan
