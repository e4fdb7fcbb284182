#pragma once
// Where the ground truth lands when candidates are ordered by score, in both retrieval
// directions of SCAN's evaluation (evaluation.py i2t() / t2i()).
//
// sims[k, j] = score(image k, caption j), shape [n_images, 5 * n_images]; captions 5k .. 5k+4
// belong to image k. "i2t" and "t2i" here name the RETRIEVAL direction (image query → captions,
// caption query → images), not the model's cross-attention direction.
//
// Ties: candidates are ordered by decreasing score, equal scores by increasing index (a stable
// descending sort). The position of candidate g is therefore
//   #{c : s[c] > s[g]} + #{c < g : s[c] == s[g]}   (0-based),
// which is computed by counting, without sorting. The original reverses numpy's unstable
// argsort, so its order among equal scores is arbitrary; with distinct scores both agree.
#include <cstdint>
#include <vector>

#include "framework/core/tensor.h"

namespace scan {

inline constexpr int64_t kCaptionsPerImage = 5;

struct Ranking {
  std::vector<int64_t> ranks;  // per query: 0-based position of its (best) ground truth
  std::vector<int64_t> top1;   // per query: index of the first candidate in the order
};

// Image → text (caption retrieval): one query per image k; its rank is the best (smallest)
// position among its 5 captions in row k. top1 is a caption index.
Ranking rank_i2t(const fw::Tensor& sims);

// Text → image (image retrieval): one query per caption j = 5k + i; its rank is the position
// of image k in column j. top1 is an image index.
Ranking rank_t2i(const fw::Tensor& sims);

// Checks that `sims` is a CPU float32/float64 matrix [n, 5n] with n >= 1 and no NaN; the error
// names `op` and the shape (or the first NaN's position).
void check_sims(const fw::Tensor& sims, const char* op);

}  // namespace scan
