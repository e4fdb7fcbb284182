#pragma once
// The evaluation protocols of SCAN (evaluation.py evalrank):
//  - full: all images against all captions (Flickr30K 1K test, COCO 5K testall);
//  - fold5 (COCO 1K): fold f takes images [1000f, 1000f + 1000) and their captions
//    [5000f, 5000f + 5000), in file order, no shuffling; every metric is computed per fold and
//    the reported value is its mean over the folds.
// The 5-fold rsum reported here is the mean of the per-fold rsums (= the sum of the six mean
// recalls), and ar / ari the means of the per-fold ar / ari. The original's summary print
// mislabels these (it shows 6 · mean(ar) as rsum, mean(ari) as the i2t average and mean(rsum)
// as the t2i average); its "Image to text" / "Text to image" lines are correct.
#include <cstdint>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/eval/recall.h"

namespace scan {

enum class Protocol { Full, Fold5 };
const char* protocol_name(Protocol protocol);  // "full", "fold5"

struct FoldOptions {
  int64_t folds = 5;
  int64_t images_per_fold = 1000;
};

// Rows of the full test set that fold `fold` uses.
struct FoldRows {
  int64_t image_begin, image_count;      // image rows
  int64_t caption_begin, caption_count;  // caption rows (5 per image)
};
FoldRows fold_rows(int64_t fold, const FoldOptions& options = {});

// Throws unless a test set of n_images splits exactly into the folds of `options`, e.g.
// "fold5: needs 5,000 images (5 folds of 1,000); got 1,000 — use --split testall".
// Cheap: call it before computing any similarity.
void check_fold5_images(int64_t n_images, const FoldOptions& options = {});

struct Evaluation {
  Protocol protocol = Protocol::Full;
  int64_t n_images = 0, n_captions = 0;  // of the whole test set
  RetrievalMetrics metrics;              // full: of the single run; fold5: mean over folds
  std::vector<RetrievalResult> runs;     // full: the single run; fold5: one per fold, in order
};

// Full protocol on sims [n_images, 5 * n_images].
Evaluation evaluate_full(const fw::Tensor& sims);

// 5-fold protocol on the full sims [n_images, 5 * n_images]: only the diagonal blocks are read.
Evaluation evaluate_fold5(const fw::Tensor& sims, const FoldOptions& options = {});

// 5-fold protocol from per-fold sims (fold f's block [images_per_fold, 5 * images_per_fold]),
// for callers that compute only the diagonal blocks.
Evaluation evaluate_fold5_blocks(const std::vector<fw::Tensor>& fold_sims, const FoldOptions& options = {});

// The mean of every metric over the runs (at least one).
RetrievalMetrics mean_metrics(const std::vector<RetrievalResult>& runs);

}  // namespace scan
