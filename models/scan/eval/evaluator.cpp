#include "models/scan/eval/evaluator.h"

#include <algorithm>
#include <cstring>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/ops/indexing.h"
#include "models/scan/data/batch.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/eval/score_tiles.h"
#include "models/scan/eval/streamed_scores.h"

namespace scan {

namespace {

int64_t longest_caption(const CaptionImageSource& data) {
  int64_t longest = 0;
  for (int64_t item = 0; item < data.size(); ++item)
    longest = std::max(longest, static_cast<int64_t>(data.caption(item).size()));
  return longest;
}

}  // namespace

Embeddings encode_split(const ScanModel& model, const CaptionImageSource& data, int batch_size) {
  constexpr const char* kOp = "encode_split";
  const int64_t n_cap = data.size();
  fw::check(n_cap > 0 && n_cap % kCaptionsPerImage == 0, kOp, "expected a positive multiple of ",
            kCaptionsPerImage, " captions (", kCaptionsPerImage, " per image), got ", n_cap);
  fw::check(batch_size > 0, kOp, "expected batch_size > 0, got ", batch_size);
  fw::check(model.dtype() == fw::DType::Float32, kOp, "expected a float32 model, got ",
            fw::dtype_name(model.dtype()));
  fw::NoGradGuard no_grad;

  const int64_t n_img = n_cap / kCaptionsPerImage;
  const int64_t max_len = longest_caption(data);
  Embeddings out;
  out.lengths.resize(static_cast<std::size_t>(n_cap));
  Batcher batches(data, batch_size);
  for (int64_t b = 0; b < batches.num_batches(); ++b) {
    const Batch batch = batches.batch(b);
    const fw::Tensor caps = model.encode_captions(batch.captions, batch.lengths).contiguous();
    // The image of items 0, 5, 10, ... (the original's img_embs[::5]); see the header.
    std::vector<int64_t> positions, kept;
    for (int64_t p = 0; p < batch.size(); ++p)
      if (batch.items[p] % kCaptionsPerImage == 0) {
        positions.push_back(p);
        kept.push_back(batch.items[p] / kCaptionsPerImage);
      }
    fw::Tensor ims;
    if (!positions.empty()) {
      const fw::Tensor index = fw::Tensor::from_vector(positions, {static_cast<int64_t>(positions.size())});
      ims = model.encode_images(fw::index_select(batch.images, 0, index)).contiguous();
    }
    const int64_t d = caps.size(2);
    if (!out.captions.defined()) {  // the embedding size is known after the first batch
      out.captions = fw::Tensor::zeros({n_cap, max_len, d}, fw::DType::Float32);
      out.images = fw::Tensor::zeros({n_img, data.num_regions(), d}, fw::DType::Float32);
    }
    float* captions = out.captions.data<float>();
    for (int64_t p = 0; p < batch.size(); ++p) {
      const int64_t item = batch.items[p], len = batch.lengths[p];
      out.lengths[item] = len;
      std::memcpy(captions + item * max_len * d, caps.data<float>() + p * caps.size(1) * d,
                  static_cast<std::size_t>(len * d) * sizeof(float));
    }
    const int64_t image_numel = out.images.size(1) * d;
    for (size_t k = 0; k < kept.size(); ++k)
      std::memcpy(out.images.data<float>() + kept[k] * image_numel, ims.data<float>() + k * image_numel,
                  static_cast<std::size_t>(image_numel) * sizeof(float));
  }
  return out;
}

fw::Tensor compute_sims(const ScanModel& model, const Embeddings& embeddings, int64_t shard,
                        const SimsProgress& progress) {
  constexpr const char* kOp = "compute_sims";
  fw::check(shard > 0, kOp, "expected shard > 0, got ", shard);
  const fw::Tensor& images = embeddings.images;
  const fw::Tensor& captions = embeddings.captions;
  fw::check(images.defined() && captions.defined() && images.dim() == 3 && captions.dim() == 3, kOp,
            "expected images [n_img, R, d] and captions [n_cap, L, d]");
  const int64_t n_img = images.size(0), n_cap = captions.size(0);
  fw::check(static_cast<int64_t>(embeddings.lengths.size()) == n_cap, kOp, "expected ", n_cap,
            " caption lengths, got ", embeddings.lengths.size());
  fw::NoGradGuard no_grad;

  // The tiles of score_tiles.h (score_split scores the same ones, so both give the same bits); a
  // tile's members are file-order items, its captions and its columns. A tile's captions are
  // gathered when it is scored (a copy of the tile only: memory stays that of the embeddings and
  // the one score matrix).
  const std::vector<CaptionTile> tiles = plan_caption_tiles(embeddings.lengths, shard, captions.size(1));
  std::vector<fw::Tensor> tile_items;
  for (const CaptionTile& tile : tiles)
    tile_items.push_back(fw::Tensor::from_vector<int64_t>(tile.members, {static_cast<int64_t>(tile.members.size())})
                             .to(captions.device()));

  fw::Tensor sims = fw::Tensor::empty({n_img, n_cap}, images.dtype());
  for (int64_t i0 = 0; i0 < n_img; i0 += shard) {
    const int64_t ni = std::min(shard, n_img - i0);
    const fw::Tensor image_block = images.narrow(0, i0, ni);
    for (size_t t = 0; t < tiles.size(); ++t) {
      const fw::Tensor caption_tile = fw::index_select(captions, 0, tile_items[t]).narrow(1, 0, tiles[t].padded_length);
      score_into_columns(model, image_block, caption_tile, tiles[t].lengths, tiles[t].members, i0, sims);
    }
    if (progress) progress(i0 + ni, n_img);
  }
  return sims;
}

Evaluation validate(const ScanModel& model, const CaptionImageSource& dev, int batch_size) {
  return evaluate_full(score_split(model, dev, batch_size));
}

}  // namespace scan
