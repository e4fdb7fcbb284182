#pragma once
// All-pairs scores of a split whose memory does not grow with its caption embeddings: bitwise
// what compute_sims(model, encode_split(model, data, batch_size), shard) gives, without ever
// holding every caption's encoding (COCO's 5K test: 25,000 captions padded to the longest are
// ~2 GB, against 737 MB for the 5,000 images and 500 MB for the scores).
//   fw::Tensor sims = score_split(model, test, 128);   // [5000, 25000], file order
//   Evaluation result = evaluate_full(sims);
//
// How:
//   1. the kept images (image k = data.image_row(5k), as encode_split keeps them) are encoded into
//      one [n_img, R, d] tensor, in the very groups encode_split encodes them in (the kept items
//      of each file-order batch, in that batch's length order), so each row is bitwise its own;
//   2. the captions are encoded in encode_split's file-order batches (batch b = items
//      [b * batch_size, (b + 1) * batch_size), sorted by length by collate), so each caption's
//      encoding is bitwise encode_split's, and taken a chunk at a time: a chunk is one window of
//      score_tiles.h (kTilesPerWindow * shard consecutive captions, 1,024 with shard 128), laid
//      out straight into compute_sims' tiles of that window. A batch that straddles two chunks is
//      encoded once and kept until its captions of the next chunk are placed;
//   3. each tile is scored against all images, `shard` images at a time, and written into its
//      file-order columns of the one [n_img, n_cap] result; a chunk is freed before the next.
// The tiles, image blocks and inputs of every model.scores call are compute_sims', hence the bits.
// Memory: the images, the scores, one chunk (its captions padded only to about their own length:
// ~80 MB for COCO) and one batch's encoding.
#include <cstdint>

#include "framework/core/tensor.h"
#include "models/scan/data/source.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/model/scan_model.h"

namespace scan {

// Seconds spent, summed over the whole split.
struct ScoreTimes {
  double encode_seconds = 0;  // both encoders, and laying the caption encodings out into tiles
  double score_seconds = 0;   // model.scores of every (image block, caption tile), written into the result
};

// sims [n_img, n_cap] float32 in file order, n_img = n_cap / 5. progress(done, total) is called
// after each caption tile with the number of captions scored against every image so far and
// n_cap. `times`, when given, receives the encode and score seconds. Needs a float32 model, a
// positive multiple of 5 captions, batch_size > 0 and shard > 0 (fw::Error naming the argument
// otherwise). No autograd graph is built.
fw::Tensor score_split(const ScanModel& model, const CaptionImageSource& data, int batch_size, int64_t shard = 128,
                       const SimsProgress& progress = {}, ScoreTimes* times = nullptr);

}  // namespace scan
