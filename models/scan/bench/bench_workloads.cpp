#include "models/scan/bench/bench_workloads.h"

#include <algorithm>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "models/scan/data/vocab.h"

namespace scan {

ScanOptions bench_options(const BenchSizes& sizes) {
  ScanOptions opt;
  opt.img_dim = static_cast<int>(sizes.img_dim);
  opt.embed_size = static_cast<int>(sizes.embed_size);
  opt.word_dim = static_cast<int>(sizes.word_dim);
  opt.vocab_size = sizes.vocab_size;
  opt.batch_size = static_cast<int>(sizes.batch_size);
  opt.bi_gru = true;
  opt.max_violation = true;
  opt.agg_func = "Mean";
  opt.lambda_softmax = 9.0;
  opt.cross_attn = "t2i";
  opt.raw_feature_norm = "clipped_l2norm";
  opt.validate();
  return opt;
}

BenchSource::BenchSource(const BenchSizes& sizes, int64_t images, uint64_t seed)
    : sizes_(sizes), images_(images), seed_(seed) {
  fw::check(images >= 1, "BenchSource", "expected at least one image, got ", images);
  fw::check(sizes.min_words >= 1 && sizes.min_words <= sizes.max_words, "BenchSource",
            "expected 1 <= min_words <= max_words, got ", sizes.min_words, " and ", sizes.max_words);
  fw::check(sizes.vocab_size > Vocabulary::kUnk + 1, "BenchSource", "the vocabulary needs words beyond <unk>, got ",
            sizes.vocab_size, " entries");
  fw::Generator gen(seed);
  offsets_.push_back(0);
  const auto first_word = static_cast<uint64_t>(Vocabulary::kUnk + 1);
  for (int64_t item = 0; item < 5 * images; ++item) {
    const int64_t words = sizes.min_words + static_cast<int64_t>(gen.below(sizes.max_words - sizes.min_words + 1));
    ids_.push_back(Vocabulary::kStart);
    for (int64_t w = 0; w < words; ++w)
      ids_.push_back(static_cast<int64_t>(first_word + gen.below(sizes.vocab_size - first_word)));
    ids_.push_back(Vocabulary::kEnd);
    offsets_.push_back(static_cast<int64_t>(ids_.size()));
  }
}

std::span<const int64_t> BenchSource::caption(int64_t item) const {
  fw::check(item >= 0 && item < size(), "BenchSource::caption", "item ", item, " is out of range for ", size(),
            " captions");
  return {ids_.data() + offsets_[item], static_cast<std::size_t>(offsets_[item + 1] - offsets_[item])};
}

void BenchSource::copy_image_rows(const std::vector<int64_t>& rows, float* out) const {
  const int64_t row_numel = sizes_.regions * sizes_.img_dim;
  for (const int64_t row : rows)
    fw::check(row >= 0 && row < images_, "BenchSource", "image row ", row, " is out of range for ", images_,
              " images");
  fw::parallel_for(static_cast<int64_t>(rows.size()), 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      // Each row its own stream, so a row's values do not depend on which rows are read with it.
      fw::Generator gen(seed_ ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(rows[k] + 1)));
      float* row = out + k * row_numel;
      for (int64_t v = 0; v < row_numel; ++v) row[v] = static_cast<float>(gen.uniform());
    }
  });
}

int64_t BenchSource::tokens(const std::vector<int64_t>& items) const {
  int64_t total = 0;
  for (const int64_t item : items) total += static_cast<int64_t>(caption(item).size());
  return total;
}

int64_t BenchSource::tokens() const { return static_cast<int64_t>(ids_.size()); }

Batch bench_batch(const BenchSource& source) {
  const int64_t batch_size = std::min(source.sizes().batch_size, source.num_images());
  std::vector<int64_t> items;
  for (int64_t k = 0; k < batch_size; ++k) items.push_back(5 * k);
  return collate(source, items);
}

double train_step_flops(const BenchSizes& s, int64_t batch_size, int64_t tokens) {
  const double N = static_cast<double>(batch_size), T = static_cast<double>(tokens);
  const double R = static_cast<double>(s.regions), D = static_cast<double>(s.img_dim);
  const double E = static_cast<double>(s.embed_size), W = static_cast<double>(s.word_dim);
  const double image_encoder = 4 * N * R * D * E;
  const double gru = 3 * 2 * 2 * T * 3 * E * (W + E);
  const double cross_attention = 6 * N * R * E * T;
  return image_encoder + gru + cross_attention;
}

double evaluation_flops(const BenchSizes& s, int64_t images, int64_t tokens) {
  const double N = static_cast<double>(images), T = static_cast<double>(tokens);
  const double R = static_cast<double>(s.regions), D = static_cast<double>(s.img_dim);
  const double E = static_cast<double>(s.embed_size), W = static_cast<double>(s.word_dim);
  return 2 * N * R * D * E + 2 * 2 * T * 3 * E * (W + E) + 2 * N * R * E * T;
}

}  // namespace scan
