#include "models/scan/eval/recall.h"

#include <algorithm>

#include "framework/core/error.h"

namespace scan {

namespace {

double recall_at(const std::vector<int64_t>& ranks, int64_t k) {
  const auto hits = std::count_if(ranks.begin(), ranks.end(), [k](int64_t r) { return r < k; });
  return 100.0 * static_cast<double>(hits) / static_cast<double>(ranks.size());
}

// floor(median) of non-negative integers: the middle value, or for an even count the floor of
// the mean of the two middle values.
int64_t floor_median(std::vector<int64_t> values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const int64_t upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const int64_t lower = *std::max_element(values.begin(), values.begin() + mid);
  return (lower + upper) / 2;
}

}  // namespace

RecallMetrics recall_metrics(const std::vector<int64_t>& ranks) {
  fw::check(!ranks.empty(), "recall_metrics", "expected at least one rank, got none");
  int64_t total = 0;
  for (const int64_t r : ranks) {
    fw::check(r >= 0, "recall_metrics", "ranks are 0-based positions, got ", r);
    total += r;
  }
  RecallMetrics m;
  m.r1 = recall_at(ranks, 1);
  m.r5 = recall_at(ranks, 5);
  m.r10 = recall_at(ranks, 10);
  m.medr = static_cast<double>(floor_median(ranks) + 1);
  m.meanr = static_cast<double>(total) / static_cast<double>(ranks.size()) + 1;
  return m;
}

RetrievalResult evaluate_retrieval(const fw::Tensor& sims) {
  RetrievalResult result;
  result.i2t = rank_i2t(sims);
  result.t2i = rank_t2i(sims);
  result.metrics.i2t = recall_metrics(result.i2t.ranks);
  result.metrics.t2i = recall_metrics(result.t2i.ranks);
  return result;
}

}  // namespace scan
