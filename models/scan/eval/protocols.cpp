#include "models/scan/eval/protocols.h"

#include <string>
#include <utility>

#include "framework/core/error.h"

namespace scan {

namespace {

// 5000 -> "5,000"
std::string with_commas(int64_t value) {
  const std::string digits = std::to_string(value);
  std::string text;
  for (size_t i = 0; i < digits.size(); ++i) {
    const bool group_starts = i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0;
    if (group_starts) text += ',';
    text += digits[i];
  }
  return text;
}

void check_options(const FoldOptions& options) {
  fw::check(options.folds >= 1 && options.images_per_fold >= 1, "fold5",
            "expected at least one fold of at least one image, got ", options.folds, " folds of ",
            options.images_per_fold);
}

Evaluation summarise(Protocol protocol, int64_t n_images, std::vector<RetrievalResult> runs) {
  Evaluation evaluation;
  evaluation.protocol = protocol;
  evaluation.n_images = n_images;
  evaluation.n_captions = kCaptionsPerImage * n_images;
  evaluation.metrics = mean_metrics(runs);
  evaluation.runs = std::move(runs);
  return evaluation;
}

}  // namespace

const char* protocol_name(Protocol protocol) { return protocol == Protocol::Full ? "full" : "fold5"; }

FoldRows fold_rows(int64_t fold, const FoldOptions& options) {
  check_options(options);
  fw::check(fold >= 0 && fold < options.folds, "fold5", "fold ", fold, " is out of range [0, ", options.folds, ")");
  const int64_t images = options.images_per_fold;
  return {fold * images, images, fold * kCaptionsPerImage * images, kCaptionsPerImage * images};
}

void check_fold5_images(int64_t n_images, const FoldOptions& options) {
  check_options(options);
  const int64_t needed = options.folds * options.images_per_fold;
  fw::check(n_images == needed, "fold5", "needs ", with_commas(needed), " images (", options.folds, " folds of ",
            with_commas(options.images_per_fold), "); got ", with_commas(n_images), " — use --split testall");
}

Evaluation evaluate_full(const fw::Tensor& sims) {
  check_sims(sims, "evaluate_full");
  return summarise(Protocol::Full, sims.size(0), {evaluate_retrieval(sims)});
}

Evaluation evaluate_fold5(const fw::Tensor& sims, const FoldOptions& options) {
  check_sims(sims, "fold5");
  check_fold5_images(sims.size(0), options);
  std::vector<fw::Tensor> blocks;
  for (int64_t f = 0; f < options.folds; ++f) {
    const FoldRows rows = fold_rows(f, options);
    blocks.push_back(sims.narrow(0, rows.image_begin, rows.image_count)
                         .narrow(1, rows.caption_begin, rows.caption_count));
  }
  return evaluate_fold5_blocks(blocks, options);
}

Evaluation evaluate_fold5_blocks(const std::vector<fw::Tensor>& fold_sims, const FoldOptions& options) {
  check_options(options);
  fw::check(static_cast<int64_t>(fold_sims.size()) == options.folds, "fold5", "expected ", options.folds,
            " fold sims, got ", fold_sims.size());
  const fw::Shape expected{options.images_per_fold, kCaptionsPerImage * options.images_per_fold};
  std::vector<RetrievalResult> runs;
  for (size_t f = 0; f < fold_sims.size(); ++f) {
    fw::check(fold_sims[f].defined() && fold_sims[f].shape() == expected, "fold5", "fold ", f, " sims is ",
              fold_sims[f].defined() ? fw::shape_str(fold_sims[f].shape()) : "undefined", ", expected ",
              fw::shape_str(expected));
    runs.push_back(evaluate_retrieval(fold_sims[f]));
  }
  return summarise(Protocol::Fold5, options.folds * options.images_per_fold, std::move(runs));
}

RetrievalMetrics mean_metrics(const std::vector<RetrievalResult>& runs) {
  fw::check(!runs.empty(), "mean_metrics", "expected at least one run, got none");
  RetrievalMetrics mean;
  for (const RetrievalResult& run : runs) {
    for (auto [sum, value] : {std::pair{&mean.i2t, &run.metrics.i2t}, std::pair{&mean.t2i, &run.metrics.t2i}}) {
      sum->r1 += value->r1;
      sum->r5 += value->r5;
      sum->r10 += value->r10;
      sum->medr += value->medr;
      sum->meanr += value->meanr;
    }
  }
  const double n = static_cast<double>(runs.size());
  for (RecallMetrics* m : {&mean.i2t, &mean.t2i}) {
    m->r1 /= n;
    m->r5 /= n;
    m->r10 /= n;
    m->medr /= n;
    m->meanr /= n;
  }
  return mean;
}

}  // namespace scan
