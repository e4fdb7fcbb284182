// evaluate_checkpoint (evaluator.h): the original evalrank, with the data location and batch
// size overridable and an optional second model whose scores are averaged in.
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>

#include "framework/core/error.h"
#include "models/scan/data/item_range.h"
#include "models/scan/eval/ensemble.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/prepared_model.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/eval/streamed_scores.h"

namespace scan {

namespace {

PreparedModel prepare(const std::string& checkpoint, const char* flag, const EvalRequest& request) {
  DataLocation where;
  where.data_path = request.data_path;
  where.data_name = request.data_name;
  where.vocab_path = request.vocab_path;
  where.batch_size = request.batch_size;
  return prepare_model(checkpoint, flag, where, request.split);
}

// "12.34 s"
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

// One model's scores of `data` (the whole split, or one fold's items), encoded and scored chunk
// by chunk (score_split), with its progress and timing lines.
fw::Tensor score(const PreparedModel& prepared, const CaptionImageSource& data, const EvalRequest& request,
                 const std::string& what) {
  std::ostream* log = request.log;
  SimsProgress progress;
  if (log)  // about ten lines however large the split
    progress = [log, what, step = int64_t{-1}](int64_t done, int64_t total) mutable {
      const int64_t decile = done * 10 / total;
      if (decile == step) return;
      step = decile;
      *log << "similarity" << what << ": " << done << " / " << total << " captions" << std::endl;
    };
  ScoreTimes times;
  fw::Tensor sims = score_split(*prepared.model, data, prepared.opt.batch_size, request.shard, progress, &times);
  if (log)
    *log << "encode time" << what << ": " << seconds_text(times.encode_seconds) << "\n"
         << "calculate similarity time" << what << ": " << seconds_text(times.score_seconds) << std::endl;
  return sims;
}

// Every model's scores, averaged when there are two: the whole matrix, or (fold5 without the
// full protocol) only the five diagonal blocks the folds use, a fifth of the work. A fold is
// scored on its own items (ItemRange), so no fold needs the other folds' encodings.
void score_models(const std::vector<const PreparedModel*>& models, const EvalRequest& request, EvalOutcome& outcome) {
  const bool blocks_only = request.fold5 && !request.with_full;
  std::vector<fw::Tensor> full;
  std::vector<std::vector<fw::Tensor>> folds(models.size());
  for (size_t m = 0; m < models.size(); ++m) {
    const PreparedModel& prepared = *models[m];
    const CaptionImageSource& data = *prepared.data;
    if (std::ostream* log = request.log) {
      if (!request.ensemble.empty()) *log << "Model: " << prepared.checkpoint << "\n";
      *log << "Images: " << data.size() / kCaptionsPerImage << ", Captions: " << data.size() << std::endl;
    }
    if (!blocks_only) {
      full.push_back(score(prepared, data, request, ""));
      continue;
    }
    for (int64_t f = 0; f < request.folds.folds; ++f) {
      const FoldRows rows = fold_rows(f, request.folds);
      const ItemRange fold(data, rows.caption_begin, rows.caption_count);
      folds[m].push_back(score(prepared, fold, request, " (fold " + std::to_string(f) + ")"));
    }
  }
  if (!blocks_only) {
    outcome.sims = full.size() > 1 ? ensemble_sims(full) : full[0];
    return;
  }
  for (size_t f = 0; f < folds[0].size(); ++f) {
    std::vector<fw::Tensor> per_model;
    for (const auto& model_folds : folds) per_model.push_back(model_folds[f]);
    outcome.fold_sims.push_back(per_model.size() > 1 ? ensemble_sims(per_model) : per_model[0]);
  }
}

}  // namespace

EvalOutcome evaluate_checkpoint(const EvalRequest& request) {
  // Everything cheap first, so that a bad request fails before hours of scoring.
  const PreparedModel first = prepare(request.checkpoint, "--model", request);
  const int64_t n_images = first.data->size() / kCaptionsPerImage;
  if (request.fold5) check_fold5_images(n_images, request.folds);
  std::unique_ptr<PreparedModel> second;
  if (!request.ensemble.empty()) {
    second = std::make_unique<PreparedModel>(prepare(request.ensemble, "--ensemble", request));
    fw::check(second->data->size() == first.data->size(), "--ensemble", "'", request.ensemble,
              "' is evaluated on '", second->split_path, "' with ", second->data->size(), " captions but '",
              request.checkpoint, "' on '", first.split_path, "' with ", first.data->size(),
              "; both models must score the same split");
  }

  fw::check(!request.with_full || request.fold5, "--with_5k", "goes with --fold5 (alone, --split testall is the 5K "
            "protocol already)");
  EvalOutcome outcome;
  std::vector<const PreparedModel*> models{&first};
  if (second) models.push_back(second.get());
  score_models(models, request, outcome);
  if (!outcome.fold_sims.empty()) {
    outcome.evaluation = evaluate_fold5_blocks(outcome.fold_sims, request.folds);
  } else {
    outcome.evaluation = request.fold5 ? evaluate_fold5(outcome.sims, request.folds) : evaluate_full(outcome.sims);
    if (request.with_full) outcome.full_evaluation = evaluate_full(outcome.sims);
  }
  return outcome;
}

}  // namespace scan
