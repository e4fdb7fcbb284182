#include "models/scan/eval/ranking.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "framework/core/error.h"
#include "framework/core/parallel.h"

namespace scan {

namespace {

// Below this many scores per chunk, threads cost more than they save.
constexpr int64_t kMinScoresPerChunk = int64_t{1} << 15;

// A read-only row-major view of sims: unit column stride, any row stride (so the diagonal
// blocks of a larger matrix, e.g. COCO 1K folds, are read in place without a copy).
template <typename T>
struct Matrix {
  const T* data;
  int64_t rows, cols, row_stride;
  const T* row(int64_t r) const { return data + r * row_stride; }
};

// Holds the tensor whose memory a Matrix points into.
struct DenseRows {
  fw::Tensor tensor;
  explicit DenseRows(const fw::Tensor& sims)
      : tensor(sims.strides()[1] == 1 ? sims.detach() : sims.detach().contiguous()) {}
  template <typename T>
  Matrix<T> matrix() const {
    return {tensor.data<T>(), tensor.size(0), tensor.size(1), tensor.strides()[0]};
  }
};

// i2t: each image's row is scanned once. The ground truth that comes first in the order is the
// one with the highest score (lowest index on ties), so its position is the best of the five.
template <typename T>
void rank_rows(const Matrix<T>& s, Ranking& out) {
  const int64_t n_cap = s.cols;
  fw::parallel_for(s.rows, std::max<int64_t>(1, kMinScoresPerChunk / n_cap), [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const T* row = s.row(k);
      int64_t g = kCaptionsPerImage * k;
      for (int64_t j = g + 1; j < kCaptionsPerImage * (k + 1); ++j)
        if (row[j] > row[g]) g = j;
      const T t = row[g];
      int64_t ahead = 0;  // #{c < g : s >= t} + #{c > g : s > t}
      for (int64_t c = 0; c < g; ++c) ahead += row[c] >= t;
      for (int64_t c = g + 1; c < n_cap; ++c) ahead += row[c] > t;
      int64_t top = 0;
      for (int64_t c = 1; c < n_cap; ++c)
        if (row[c] > row[top]) top = c;
      out.ranks[k] = ahead;
      out.top1[k] = top;
    }
  });
}

// t2i: caption j's ground truth is image k = j / 5, with score t_j = s[k, j]. Columns are read
// row by row (each thread owns a range of captions) so memory is walked in order:
//   rank_j = #{m : s[m, j] > t_j} + #{m < k : s[m, j] == t_j}.
template <typename T>
void rank_columns(const Matrix<T>& s, Ranking& out) {
  const int64_t n_img = s.rows;
  fw::parallel_for(s.cols, std::max<int64_t>(16, kMinScoresPerChunk / n_img), [&](int64_t begin, int64_t end) {
    std::vector<T> threshold(end - begin), best(end - begin);
    for (int64_t j = begin; j < end; ++j) {
      threshold[j - begin] = s.row(j / kCaptionsPerImage)[j];
      best[j - begin] = s.row(0)[j];
      out.ranks[j] = 0;
      out.top1[j] = 0;
    }
    for (int64_t m = 0; m < n_img; ++m) {
      const T* row = s.row(m);
      // Image m precedes the ground truth on equal scores iff m < j / 5, i.e. j >= 5 (m + 1).
      const int64_t split = std::clamp(kCaptionsPerImage * (m + 1), begin, end);
      for (int64_t j = begin; j < split; ++j) out.ranks[j] += row[j] > threshold[j - begin];
      for (int64_t j = split; j < end; ++j) out.ranks[j] += row[j] >= threshold[j - begin];
      for (int64_t j = begin; j < end; ++j) {
        if (row[j] > best[j - begin]) {
          best[j - begin] = row[j];
          out.top1[j] = m;
        }
      }
    }
  });
}

// The first NaN in row-major order, as {row, col}, or {-1, -1}.
template <typename T>
std::pair<int64_t, int64_t> first_nan(const Matrix<T>& s) {
  std::vector<int64_t> nan_col(s.rows, -1);
  fw::parallel_for(s.rows, std::max<int64_t>(1, kMinScoresPerChunk / s.cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T* row = s.row(r);
      for (int64_t c = 0; c < s.cols; ++c) {
        if (std::isnan(row[c])) {
          nan_col[r] = c;
          break;
        }
      }
    }
  });
  for (int64_t r = 0; r < s.rows; ++r)
    if (nan_col[r] >= 0) return {r, nan_col[r]};
  return {-1, -1};
}

// Validates sims (see check_sims) and returns its rows ready to read.
DenseRows checked_rows(const fw::Tensor& sims, const char* op) {
  fw::check(sims.defined(), op, "sims is undefined");
  fw::check(sims.device().is_cpu(), op, "expected sims on the CPU, got ", sims.device().str());
  fw::check(sims.dim() == 2 && sims.size(0) >= 1 && sims.size(1) == kCaptionsPerImage * sims.size(0), op,
            "expected sims of shape [n_images, 5 * n_images] (captions 5k..5k+4 belong to image k), got ",
            fw::shape_str(sims.shape()));
  DenseRows dense(sims);
  const auto [r, c] =
      fw::dispatch_floating(sims.dtype(), op, [&]<typename T>() { return first_nan(dense.matrix<T>()); });
  fw::check(r < 0, op, "sims ", fw::shape_str(sims.shape()), " contains NaN, first at [", r, ", ", c, "]");
  return dense;
}

Ranking empty_ranking(int64_t n_queries) {
  return {std::vector<int64_t>(n_queries), std::vector<int64_t>(n_queries)};
}

}  // namespace

void check_sims(const fw::Tensor& sims, const char* op) { checked_rows(sims, op); }

Ranking rank_i2t(const fw::Tensor& sims) {
  const DenseRows dense = checked_rows(sims, "rank_i2t");
  Ranking out = empty_ranking(sims.size(0));
  fw::dispatch_floating(sims.dtype(), "rank_i2t", [&]<typename T>() { rank_rows(dense.matrix<T>(), out); });
  return out;
}

Ranking rank_t2i(const fw::Tensor& sims) {
  const DenseRows dense = checked_rows(sims, "rank_t2i");
  Ranking out = empty_ranking(sims.size(1));
  fw::dispatch_floating(sims.dtype(), "rank_t2i", [&]<typename T>() { rank_columns(dense.matrix<T>(), out); });
  return out;
}

}  // namespace scan
