#pragma once
// How all-pairs scores are tiled (the original's shard_xattn, shard size 128), shared by
// compute_sims (evaluator.h) and score_split (streamed_scores.h), which therefore give bitwise
// the same scores:
//   - captions are cut into windows of kTilesPerWindow * shard consecutive file-order captions
//     (1,024 with shard 128); within a window they are scored in order of length (a stable
//     sort), in tiles of `shard` consecutive captions of that order, so that a tile's captions
//     are padded to about their own length (the raw-score products skip padding, the copies and
//     buffers do not). Windows bound what score_split holds at a time: a window of COCO
//     captions is about 80 MB;
//   - a tile is padded to its longest caption rounded up to a multiple of 4 words (a handful of
//     distinct tile sizes, whose buffers the allocator's cache can reuse, for a little more
//     padding), but never past `max_len`, the longest caption of the split;
//   - images are taken in blocks of `shard`; each (image block, caption tile) is one model.scores
//     call, whose scores go straight to the tile's file-order columns of the result.
// Why the tiling must be shared to get the same bits: a pair's score depends only on its image
// and caption mathematically, but BLAS rounds the raw-score product of an element differently
// depending on the product's shape and the element's place in it, so the same pair scored in
// another tile may differ in its last bits.
#include <cstdint>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/model/scan_model.h"

namespace scan {

inline constexpr int64_t kTilesPerWindow = 8;

struct CaptionTile {
  std::vector<int64_t> members;  // caption indices (file order), shortest first
  std::vector<int64_t> lengths;  // lengths[j] = the length of caption members[j]
  int64_t padded_length = 0;     // the words every caption of the tile is padded to
};

// The captions of one window: [0, n) is cut into [k * window, (k + 1) * window).
int64_t tiling_window(int64_t n, int64_t shard);  // min(n, kTilesPerWindow * shard), at least 1

// Tiles covering every index of `lengths` once, window by window (the tiles of a window follow
// those of the window before; every window but the last has exactly kTilesPerWindow tiles).
// fw::Error unless shard > 0 and every length is in 1..max_len.
std::vector<CaptionTile> plan_caption_tiles(const std::vector<int64_t>& lengths, int64_t shard, int64_t max_len);

// sims[row0 + i, columns[j]] = model.scores(images, captions, lengths)[i, j] for images
// [ni, R, d] and a tile's captions [nc, L, d] (zero or anything past each length). sims is a dense
// CPU [n_img, n_cap] tensor of the scores' dtype. Builds no autograd graph.
void score_into_columns(const ScanModel& model, const fw::Tensor& images, const fw::Tensor& captions,
                        const std::vector<int64_t>& lengths, const std::vector<int64_t>& columns, int64_t row0,
                        fw::Tensor& sims);

}  // namespace scan
