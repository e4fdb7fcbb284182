#pragma once
// Recall metrics of SCAN's evaluation (evaluation.py i2t() / t2i() and evalrank()).
// From the 0-based ranks of one retrieval direction (see ranking.h):
//   R@K   = 100 · #(rank < K) / #queries        for K = 1, 5, 10
//   medr  = floor(median(rank)) + 1             (median of an even count = mean of the middle two)
//   meanr = mean(rank) + 1
// and over both directions: ar / ari = mean of the three recalls of i2t / t2i,
// rsum = the sum of all six recalls.
#include <cstdint>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/eval/ranking.h"

namespace scan {

struct RecallMetrics {  // one retrieval direction
  double r1 = 0, r5 = 0, r10 = 0, medr = 0, meanr = 0;
  double average_recall() const { return (r1 + r5 + r10) / 3; }
};

struct RetrievalMetrics {  // both directions
  RecallMetrics i2t;  // image → text ("Image to text")
  RecallMetrics t2i;  // text → image ("Text to image")
  double ar() const { return i2t.average_recall(); }
  double ari() const { return t2i.average_recall(); }
  double rsum() const { return i2t.r1 + i2t.r5 + i2t.r10 + t2i.r1 + t2i.r5 + t2i.r10; }
};

// The metrics of one direction from its ranks (at least one).
RecallMetrics recall_metrics(const std::vector<int64_t>& ranks);

// The ranks of both directions and their metrics for one score matrix [n_images, 5 * n_images].
struct RetrievalResult {
  Ranking i2t;  // per image
  Ranking t2i;  // per caption
  RetrievalMetrics metrics;
};
RetrievalResult evaluate_retrieval(const fw::Tensor& sims);

}  // namespace scan
