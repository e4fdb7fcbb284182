#include "models/scan/eval/score_tiles.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"

namespace scan {

namespace {

template <typename T>
void write_columns(const fw::Tensor& scores, const std::vector<int64_t>& columns, int64_t row0, fw::Tensor& sims) {
  const int64_t ni = scores.size(0), nc = scores.size(1), n_cap = sims.size(1);
  const T* in = scores.data<T>();
  T* out = sims.data<T>() + row0 * n_cap;
  for (int64_t i = 0; i < ni; ++i)
    for (int64_t j = 0; j < nc; ++j) out[i * n_cap + columns[j]] = in[i * nc + j];
}

}  // namespace

int64_t tiling_window(int64_t n, int64_t shard) {
  fw::check(shard > 0, "tiling_window", "expected shard > 0, got ", shard);
  const int64_t all = std::max<int64_t>(n, 1);
  return shard >= (all + kTilesPerWindow - 1) / kTilesPerWindow ? all : kTilesPerWindow * shard;
}

std::vector<CaptionTile> plan_caption_tiles(const std::vector<int64_t>& lengths, int64_t shard, int64_t max_len) {
  constexpr const char* kOp = "plan_caption_tiles";
  fw::check(shard > 0, kOp, "expected shard > 0, got ", shard);
  for (size_t c = 0; c < lengths.size(); ++c)
    fw::check(lengths[c] >= 1 && lengths[c] <= max_len, kOp, "caption ", c, " has length ", lengths[c],
              ", expected 1..", max_len);
  const auto n = static_cast<int64_t>(lengths.size());
  const int64_t window = tiling_window(n, shard);
  std::vector<CaptionTile> tiles;
  for (int64_t w0 = 0; w0 < n; w0 += window) {
    std::vector<int64_t> by_length(static_cast<size_t>(std::min(window, n - w0)));
    std::iota(by_length.begin(), by_length.end(), w0);
    std::stable_sort(by_length.begin(), by_length.end(),
                     [&](int64_t a, int64_t b) { return lengths[a] < lengths[b]; });
    const auto count = static_cast<int64_t>(by_length.size());
    for (int64_t c0 = 0; c0 < count; c0 += shard) {
      CaptionTile tile;
      tile.members.assign(by_length.begin() + c0, by_length.begin() + std::min(count, c0 + shard));
      for (const int64_t member : tile.members) tile.lengths.push_back(lengths[member]);
      const int64_t longest = tile.lengths.back();  // sorted: the last is the longest
      tile.padded_length = std::min(max_len, (longest + 3) / 4 * 4);
      tiles.push_back(std::move(tile));
    }
  }
  return tiles;
}

void score_into_columns(const ScanModel& model, const fw::Tensor& images, const fw::Tensor& captions,
                        const std::vector<int64_t>& lengths, const std::vector<int64_t>& columns, int64_t row0,
                        fw::Tensor& sims) {
  constexpr const char* kOp = "score_into_columns";
  fw::check(sims.dim() == 2 && sims.is_contiguous() && sims.device().is_cpu(), kOp,
            "expected a dense CPU score matrix [n_img, n_cap]");
  fw::check(columns.size() == lengths.size(), kOp, "expected one column per caption, got ", columns.size(),
            " columns for ", lengths.size(), " captions");
  fw::check(row0 >= 0 && row0 + images.size(0) <= sims.size(0), kOp, "image rows [", row0, ", ",
            row0 + images.size(0), ") do not fit the ", sims.size(0), " rows of the scores");
  for (const int64_t column : columns)
    fw::check(column >= 0 && column < sims.size(1), kOp, "column ", column, " is outside 0..", sims.size(1) - 1);
  fw::NoGradGuard no_grad;
  const fw::Tensor scores = model.scores(images, captions, lengths).to(fw::Device::cpu()).contiguous();
  fw::check(scores.dtype() == sims.dtype(), kOp, "expected scores of the matrix's dtype ",
            fw::dtype_name(sims.dtype()), ", got ", fw::dtype_name(scores.dtype()));
  if (scores.dtype() == fw::DType::Float32)
    write_columns<float>(scores, columns, row0, sims);
  else
    write_columns<double>(scores, columns, row0, sims);
}

}  // namespace scan
