// evaluate_checkpoint (evaluator.h): the original evalrank, with the data location and batch
// size overridable and an optional second model whose scores are averaged in.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/checkpoint.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/vocab.h"
#include "models/scan/eval/ensemble.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/options.h"

namespace scan {

namespace {

// One model ready to score: its options (checkpoint's, overridden by the request), the restored
// weights and the split it is evaluated on.
struct PreparedModel {
  std::string checkpoint;
  ScanOptions opt;
  std::unique_ptr<ScanModel> model;
  std::unique_ptr<PrecompDataset> data;
  std::string split_path;  // <data_path>/<data_name>/<split>, for messages
};

ScanOptions resolved_options(const ScanOptions& trained, const EvalRequest& request) {
  ScanOptions opt = trained;
  if (request.data_path) opt.data_path = *request.data_path;
  if (request.data_name) opt.data_name = *request.data_name;
  if (request.vocab_path) opt.vocab_path = *request.vocab_path;
  if (request.batch_size) opt.batch_size = *request.batch_size;
  opt.validate();
  return opt;
}

PreparedModel prepare(const std::string& checkpoint, const char* flag, const EvalRequest& request) {
  fw::check(!checkpoint.empty(), flag, "expected a checkpoint file");
  fw::check(std::filesystem::is_regular_file(checkpoint), flag, "checkpoint '", checkpoint,
            "' does not exist or is not a file");
  PreparedModel prepared;
  prepared.checkpoint = checkpoint;
  Checkpoint saved = read_checkpoint(checkpoint);
  prepared.opt = resolved_options(saved.opt, request);
  const ScanOptions& opt = prepared.opt;

  const std::string vocab_file =
      (std::filesystem::path(opt.vocab_path) / (opt.data_name + "_vocab.json")).string();
  const Vocabulary vocab = Vocabulary::load(vocab_file);
  fw::check(opt.vocab_size <= 0 || vocab.size() == opt.vocab_size, "--vocab_path", "the vocabulary '", vocab_file,
            "' has ", vocab.size(), " words but '", checkpoint, "' was trained with vocab_size ", opt.vocab_size,
            " (--vocab_path / --data_name must name the training vocabulary)");

  fw::Generator gen(opt.seed);  // the initial weights are replaced by the checkpoint's
  prepared.model = std::make_unique<ScanModel>(opt, gen);
  restore_model(saved, *prepared.model);
  prepared.model->eval();

  prepared.data = std::make_unique<PrecompDataset>(opt.data_path, opt.data_name, request.split, vocab, opt.img_dim);
  prepared.data->check_features_finite();
  prepared.split_path = (std::filesystem::path(opt.data_path) / opt.data_name / request.split).string();
  fw::check(prepared.data->size() % kCaptionsPerImage == 0, "--split", "'", prepared.data->captions_path(), "' has ",
            prepared.data->size(), " captions; evaluation needs ", kCaptionsPerImage, " per image");
  return prepared;
}

// "12.34 s"
std::string seconds_since(std::chrono::steady_clock::time_point start) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return text;
}

fw::Tensor sims_of(const PreparedModel& prepared, const EvalRequest& request) {
  std::ostream* log = request.log;
  if (log && !request.ensemble.empty()) *log << "Model: " << prepared.checkpoint << "\n";
  const auto start = std::chrono::steady_clock::now();
  const Embeddings embeddings = encode_split(*prepared.model, *prepared.data, prepared.opt.batch_size);
  if (log)
    *log << "Images: " << embeddings.num_images() << ", Captions: " << embeddings.num_captions() << "\n"
         << "encode time: " << seconds_since(start) << std::endl;
  const auto sims_start = std::chrono::steady_clock::now();
  SimsProgress progress;
  if (log)  // about ten lines however large the split
    progress = [log, step = int64_t{-1}](int64_t done, int64_t total) mutable {
      const int64_t decile = done * 10 / total;
      if (decile == step) return;
      step = decile;
      *log << "similarity: " << done << " / " << total << " images" << std::endl;
    };
  fw::Tensor sims = compute_sims(*prepared.model, embeddings, request.shard, progress);
  if (log) *log << "calculate similarity time: " << seconds_since(sims_start) << std::endl;
  return sims;
}

}  // namespace

EvalOutcome evaluate_checkpoint(const EvalRequest& request) {
  // Everything cheap first, so that a bad request fails before hours of scoring.
  const PreparedModel first = prepare(request.checkpoint, "--model", request);
  const int64_t n_images = first.data->size() / kCaptionsPerImage;
  if (request.fold5) check_fold5_images(n_images);
  std::unique_ptr<PreparedModel> second;
  if (!request.ensemble.empty()) {
    second = std::make_unique<PreparedModel>(prepare(request.ensemble, "--ensemble", request));
    fw::check(second->data->size() == first.data->size(), "--ensemble", "'", request.ensemble,
              "' is evaluated on '", second->split_path, "' with ", second->data->size(), " captions but '",
              request.checkpoint, "' on '", first.split_path, "' with ", first.data->size(),
              "; both models must score the same split");
  }

  EvalOutcome outcome;
  outcome.sims = sims_of(first, request);
  // The protocols take the full matrix, so averaging it first equals averaging fold by fold.
  if (second) outcome.sims = ensemble_sims({outcome.sims, sims_of(*second, request)});
  outcome.evaluation = request.fold5 ? evaluate_fold5(outcome.sims) : evaluate_full(outcome.sims);
  return outcome;
}

}  // namespace scan
