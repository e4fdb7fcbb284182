#pragma once
// Evaluating a SCAN model on a split (the original evaluation.py encode_data, shard_xattn_* and
// evalrank):
//   1. encode_split: every caption and one image per 5 captions, in file order, without autograd;
//   2. compute_sims: the score of every kept image against every caption, in shards;
//   3. the protocols of protocols.h on the score matrix.
//   Embeddings emb = encode_split(model, dev, 128);
//   fw::Tensor sims = compute_sims(model, emb);          // [1000, 5000]
//   Evaluation result = evaluate_full(sims);
// score_split (streamed_scores.h) does 1 and 2 in one pass, bitwise the same, holding only a
// chunk of the caption encodings at a time: validate and evaluate_checkpoint use it; encode_split
// stays for whoever keeps the encodings (the encoding cache of `scan search` and `scan report`).
//
// Which image rows are kept: the original encodes one image row per caption item and then keeps
// img_embs[::5], i.e. the image paired with items 0, 5, 10, .... This is done here for any layout:
// image k of the evaluation is image_row(5k) of the source. With 5 captions per stored image
// (im_div = 5) that is row k; with images stored once per caption (im_div = 1, Flickr30K dev)
// it is row 5k. Each kept image is encoded once (the image encoder works row by row, so this is
// the same as encoding it for every caption and discarding four of them).
//
// Precision: the original's test-time attention runs in float64 (its numpy buffers default to
// float64); here embeddings and scores stay float32, the dtype the model is trained in.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/data/source.h"
#include "models/scan/eval/protocols.h"
#include "models/scan/model/scan_model.h"

namespace scan {

struct Embeddings {
  fw::Tensor images;             // [n_img, R, d], one row per image (n_img = n_cap / 5)
  fw::Tensor captions;           // [n_cap, L, d], zero-padded to the longest caption of the split
  std::vector<int64_t> lengths;  // n_cap caption lengths (<start> and <end> included)
  int64_t num_images() const { return images.size(0); }
  int64_t num_captions() const { return captions.size(0); }
};

// Encodes `data` in file order, in batches of `batch_size` captions (the Batcher's sequential
// order; within a batch captions are sorted by length, as the encoder expects). Needs a multiple
// of 5 captions. No autograd graph is built.
Embeddings encode_split(const ScanModel& model, const CaptionImageSource& data, int batch_size);

// Progress of a scoring, (done, total): compute_sims counts images (after each block of image
// rows), score_split captions (after each tile of captions).
using SimsProgress = std::function<void(int64_t done, int64_t total)>;

// sims[i, c] = model.scores(image i, caption c), [n_img, n_cap] in the embeddings' dtype (on the
// CPU), computed in blocks of `shard` images x `shard` captions (the original's shard_xattn, shard
// size 128). Blocks run one after another, each using every thread inside the fused op;
// caption blocks take the captions in order of length (within windows of 1,024 captions) and are
// trimmed to their longest caption rounded up to a multiple of 4 words, so little of the work is
// padding (score_tiles.h). Each block's scores go
// straight to their captions' columns: no second matrix. No autograd graph is built.
fw::Tensor compute_sims(const ScanModel& model, const Embeddings& embeddings, int64_t shard = 128,
                        const SimsProgress& progress = {});

// The full protocol on a dev split (the original's validate(): all images against all captions,
// scored by score_split), e.g. the trainer's rsum = validate(model, dev, 128).metrics.rsum().
Evaluation validate(const ScanModel& model, const CaptionImageSource& dev, int batch_size);

// What `scan eval` asks for. Options left unset come from the checkpoint's training options.
struct EvalRequest {
  std::string checkpoint;  // --model
  std::string ensemble;    // --ensemble: a second checkpoint whose scores are averaged in ("" = none)
  std::optional<std::string> data_path, data_name, vocab_path;
  std::optional<int> batch_size;
  std::string split = "test";
  bool fold5 = false;      // COCO 1K: only the five 1,000 x 5,000 diagonal blocks are scored
  bool with_full = false;  // with fold5: score the whole matrix and run the full (5K) protocol too
  FoldOptions folds;       // COCO's 5 x 1,000 unless a test asks for smaller folds
  int64_t shard = 128;
  std::ostream* log = nullptr;  // progress lines ("Images: 1000, Captions: 5000", timings), or none
};

struct EvalOutcome {
  Evaluation evaluation;                 // the protocol asked for (fold5 or full)
  std::optional<Evaluation> full_evaluation;  // with_full: the full protocol on the same scores
  fw::Tensor sims;                       // [n_img, n_cap] (the mean of both models' with an ensemble), or
  std::vector<fw::Tensor> fold_sims;     // fold5 alone: the five [1000, 5000] blocks instead
};

// Loads the checkpoint(s), rebuilds and restores the model(s), opens
// <data_path>/<data_name>/<split> with the vocabulary <vocab_path>/<data_name>_vocab.json,
// encodes and scores (score_split: the whole split, or fold5 alone each fold's items on their
// own) and runs the full or the 5-fold protocol. Everything that can be checked
// before the expensive part (files, vocabulary size, fold5 image count, ensemble sizes) is
// checked first; errors are fw::Error with one clear message.
EvalOutcome evaluate_checkpoint(const EvalRequest& request);

}  // namespace scan
