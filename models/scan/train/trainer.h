#pragma once
// SCAN training (the original train.py main/train/validate):
//   - Adam over every parameter, lr = learning_rate * 0.1^floor(epoch / lr_update), set at the
//     start of each epoch;
//   - each epoch visits the training captions in a fresh seeded random order, in batches of
//     batch_size; each iteration: iteration += 1, encode images and captions, zero the gradients,
//     scores, contrastive loss, backward, clip the global gradient norm to grad_clip (if > 0),
//     Adam step;
//   - every log_step iterations a log line and a "train" record in <logger_name>/metrics.jsonl;
//     every val_step iterations a validation on dev that is only logged;
//   - at the end of each epoch a validation on dev: rsum = the sum of the six recalls; the epoch's
//     checkpoint is saved to <model_name>/checkpoint_<epoch>.safetensors and, if rsum beats every
//     earlier epoch, to <model_name>/model_best.safetensors.
// Resuming (--resume CKPT) restores the weights, the Adam state, the epoch, the iteration count,
// the best rsum and the random generator (saved at the end of the epoch, after its shuffle), so a
// run interrupted after an epoch and resumed computes exactly what the uninterrupted run computes
// (bitwise, for the same thread count). Unlike the original no validation runs on resume.
// With --save_step N a mid-epoch checkpoint (checkpoint_partial.safetensors) is also written every
// N iterations, and resuming from it continues the epoch exactly where it was (the same order, the
// same remaining batches); it is removed once its epoch's checkpoint is written.
//   ScanOptions opt = ...;  opt.vocab_size = vocab.size();
//   Trainer trainer(opt, train, dev);
//   trainer.run();
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/random.h"
#include "framework/optim/adam.h"
#include "models/scan/data/source.h"
#include "models/scan/eval/recall.h"
#include "models/scan/model/scan_model.h"
#include "models/scan/options.h"
#include "models/scan/train/metrics_log.h"
#include "models/scan/train/progress.h"

namespace scan {

struct EpochResult {
  int epoch = 0;
  int64_t iteration = 0;  // global iteration count at the end of the epoch
  double mean_loss = 0;   // over the epoch's iterations
  RetrievalMetrics dev;   // end-of-epoch validation
  bool is_best = false;
  std::string checkpoint;  // the file saved for this epoch
};

class Trainer {
 public:
  // Checks the data against `opt` (data_checks.h), seeds the generator with opt.seed, sets the
  // thread count (opt.threads > 0), builds the model and the optimiser and, with opt.resume,
  // restores the checkpoint. opt.vocab_size must be set. The sources must outlive the Trainer.
  // Progress goes to `out`: a redrawn progress bar when `terminal`, log lines otherwise.
  Trainer(ScanOptions opt, const CaptionImageSource& train, const CaptionImageSource& dev,
          std::ostream& out = std::cout, bool terminal = false);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains epochs start_epoch() .. num_epochs - 1 and returns one result per epoch trained.
  std::vector<EpochResult> run();

  const ScanModel& model() const { return *model_; }
  const ScanOptions& options() const { return opt_; }
  int start_epoch() const { return start_epoch_; }
  int64_t iteration() const { return iteration_; }
  double best_rsum() const { return best_rsum_; }
  std::string checkpoint_path(int epoch) const;  // <model_name>/checkpoint_<epoch>.safetensors
  std::string best_path() const;                 // <model_name>/model_best.safetensors
  std::string partial_path() const;              // <model_name>/checkpoint_partial.safetensors (--save_step)
  std::string metrics_path() const { return log_->path(); }

 private:
  void resume_from(const std::string& path);
  void repair_model_best();
  std::string last_good_checkpoint(int epoch) const;  // for the message of a non-finite step
  double train_epoch(int epoch);  // returns the mean loss
  RetrievalMetrics validate_dev(int epoch, const std::string& when);
  void print(const std::string& text);

  ScanOptions opt_;
  const CaptionImageSource& train_;
  const CaptionImageSource& dev_;
  std::ostream& out_;
  fw::Generator gen_;
  std::unique_ptr<ScanModel> model_;
  std::unique_ptr<fw::optim::Adam> optimizer_;
  std::unique_ptr<MetricsLog> log_;
  std::unique_ptr<Progress> progress_;
  int start_epoch_ = 0;
  int64_t iteration_ = 0;
  double best_rsum_ = 0;
  int best_epoch_ = -1;
  int64_t resume_step_ = 0;     // batches of start_epoch_ done before a mid-epoch checkpoint
  double resume_loss_sum_ = 0;  // and the sum of their losses
};

}  // namespace scan
