#include "models/scan/eval/evaluator.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/indexing.h"
#include "models/scan/data/batch.h"
#include "models/scan/eval/ranking.h"

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

  // Captions are scored in order of length (stable), so that a block is padded only to the
  // longest of captions of about the same length: in file order, blocks of 128 captions of 12
  // words on average are padded to the longest of them, and the raw-score GEMM does a quarter
  // more work on padding. Each pair's score depends only on its own caption's words.
  std::vector<int64_t> by_length(static_cast<std::size_t>(n_cap));
  std::iota(by_length.begin(), by_length.end(), int64_t{0});
  std::stable_sort(by_length.begin(), by_length.end(),
                   [&](int64_t a, int64_t b) { return embeddings.lengths[a] < embeddings.lengths[b]; });
  // Each block's captions are gathered when it is scored (a copy of the block only, so memory
  // stays that of the embeddings).
  std::vector<fw::Tensor> block_items;
  std::vector<std::vector<int64_t>> block_lengths;
  for (int64_t c0 = 0; c0 < n_cap; c0 += shard) {
    const int64_t nc = std::min(shard, n_cap - c0);
    const std::vector<int64_t> items(by_length.begin() + c0, by_length.begin() + c0 + nc);
    std::vector<int64_t> lengths;
    for (const int64_t item : items) lengths.push_back(embeddings.lengths[item]);
    block_items.push_back(fw::Tensor::from_vector<int64_t>(items, {nc}).to(captions.device()));
    block_lengths.push_back(lengths);
  }

  fw::Tensor sorted_sims = fw::Tensor::empty({n_img, n_cap}, images.dtype(), images.device());
  for (int64_t i0 = 0; i0 < n_img; i0 += shard) {
    const int64_t ni = std::min(shard, n_img - i0);
    const fw::Tensor image_block = images.narrow(0, i0, ni);
    for (std::size_t b = 0; b < block_items.size(); ++b) {
      const std::vector<int64_t>& lengths = block_lengths[b];
      const int64_t c0 = static_cast<int64_t>(b) * shard, nc = static_cast<int64_t>(lengths.size());
      // Rounded up to a multiple of 4 words: a handful of distinct block sizes, whose buffers the
      // allocator's cache can reuse (it matches sizes exactly), for a little more padding.
      const int64_t longest = *std::max_element(lengths.begin(), lengths.end());
      const int64_t block_len = std::min(captions.size(1), (longest + 3) / 4 * 4);
      const fw::Tensor caption_block = fw::index_select(captions, 0, block_items[b]).narrow(1, 0, block_len);
      fw::Tensor target = sorted_sims.narrow(0, i0, ni).narrow(1, c0, nc);
      fw::copy_(target, model.scores(image_block, caption_block, lengths));
    }
    if (progress) progress(i0 + ni, n_img);
  }
  // Back to file order: column c of sims is column position_of[c] of sorted_sims.
  std::vector<int64_t> position_of(static_cast<std::size_t>(n_cap));
  for (int64_t k = 0; k < n_cap; ++k) position_of[by_length[k]] = k;
  return fw::index_select(sorted_sims, 1,
                          fw::Tensor::from_vector<int64_t>(position_of, {n_cap}).to(sorted_sims.device()));
}

Evaluation validate(const ScanModel& model, const CaptionImageSource& dev, int batch_size) {
  const Embeddings embeddings = encode_split(model, dev, batch_size);
  return evaluate_full(compute_sims(model, embeddings));
}

}  // namespace scan
