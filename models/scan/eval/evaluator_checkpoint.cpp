// evaluate_checkpoint (evaluator.h): the original evalrank, with the data location and batch
// size overridable and an optional second model whose scores are averaged in.
#include <chrono>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>

#include "framework/core/error.h"
#include "models/scan/eval/ensemble.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/prepared_model.h"
#include "models/scan/eval/ranking.h"

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
std::string seconds_since(std::chrono::steady_clock::time_point start) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return text;
}

Embeddings encode(const PreparedModel& prepared, const EvalRequest& request) {
  std::ostream* log = request.log;
  if (log && !request.ensemble.empty()) *log << "Model: " << prepared.checkpoint << "\n";
  const auto start = std::chrono::steady_clock::now();
  Embeddings embeddings = encode_split(*prepared.model, *prepared.data, prepared.opt.batch_size);
  if (log)
    *log << "Images: " << embeddings.num_images() << ", Captions: " << embeddings.num_captions() << "\n"
         << "encode time: " << seconds_since(start) << std::endl;
  return embeddings;
}

fw::Tensor score(const PreparedModel& prepared, const Embeddings& embeddings, const EvalRequest& request,
                 const std::string& what) {
  std::ostream* log = request.log;
  const auto start = std::chrono::steady_clock::now();
  SimsProgress progress;
  if (log)  // about ten lines however large the split
    progress = [log, what, step = int64_t{-1}](int64_t done, int64_t total) mutable {
      const int64_t decile = done * 10 / total;
      if (decile == step) return;
      step = decile;
      *log << "similarity" << what << ": " << done << " / " << total << " images" << std::endl;
    };
  fw::Tensor sims = compute_sims(*prepared.model, embeddings, request.shard, progress);
  if (log) *log << "calculate similarity time" << what << ": " << seconds_since(start) << std::endl;
  return sims;
}

// The images and captions of one COCO 1K fold.
Embeddings fold_of(const Embeddings& all, const FoldRows& rows) {
  Embeddings fold;
  fold.images = all.images.narrow(0, rows.image_begin, rows.image_count);
  fold.captions = all.captions.narrow(0, rows.caption_begin, rows.caption_count);
  fold.lengths.assign(all.lengths.begin() + rows.caption_begin,
                      all.lengths.begin() + rows.caption_begin + rows.caption_count);
  return fold;
}

// Every model's scores, averaged when there are two: the whole matrix, or (fold5 without the
// full protocol) only the five diagonal blocks the folds use, a fifth of the work.
void score_models(const std::vector<const PreparedModel*>& models, const EvalRequest& request, EvalOutcome& outcome) {
  const bool blocks_only = request.fold5 && !request.with_full;
  std::vector<fw::Tensor> full;
  std::vector<std::vector<fw::Tensor>> folds(models.size());
  for (size_t m = 0; m < models.size(); ++m) {
    const Embeddings embeddings = encode(*models[m], request);
    if (!blocks_only) {
      full.push_back(score(*models[m], embeddings, request, ""));
      continue;
    }
    for (int64_t f = 0; f < request.folds.folds; ++f)
      folds[m].push_back(score(*models[m], fold_of(embeddings, fold_rows(f, request.folds)), request,
                               " (fold " + std::to_string(f) + ")"));
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
