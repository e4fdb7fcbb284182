#pragma once
// One query against an encoded split (encode_split or cached_encoding):
//   a caption's score against every image, or an image's score against every caption, each the
//   model's pair score, and the indices ranked by it (highest first; ties keep index order).
//   std::vector<double> s = score_caption(model, emb, vocab.encode_caption("a red circle ."));
//   std::vector<int64_t> top = ranked(s, 8);
#include <cstdint>
#include <vector>

#include "models/scan/eval/evaluator.h"
#include "models/scan/model/scan_model.h"

namespace scan {

// ids: <start> ... <end>; one score per image of `embeddings`.
std::vector<double> score_caption(const ScanModel& model, const Embeddings& embeddings,
                                  const std::vector<int64_t>& ids);
// One score per caption of `embeddings`, for its image `image`.
std::vector<double> score_image(const ScanModel& model, const Embeddings& embeddings, int64_t image);
// The indices of the `k` highest scores (all when k >= size), highest first.
std::vector<int64_t> ranked(const std::vector<double>& scores, int64_t k);

}  // namespace scan
