#pragma once
// SCAN checkpoints: one safetensors file (model_name/checkpoint_{epoch}.safetensors) holding
//   - the model's parameters under their state-dict names (img_enc.fc.weight, txt_enc.embed.weight,
//     txt_enc.rnn.weight_ih_l0, ...), exactly the names of the original PyTorch model, so that a
//     converted PyTorch checkpoint needs no renaming;
//   - the Adam state, if given, under "optimizer." + Adam::state_dict() keys
//     ("optimizer.<param name>.exp_avg", ".exp_avg_sq", ".step");
//   - __metadata__ (all values strings): "format" = "scan-checkpoint-1", "opt" = the JSON of
//     ScanOptions::to_json(), "epoch", "iteration", "best_rsum" (decimal text; best_rsum with
//     17 significant digits, so it reads back exactly), "best_epoch", "rng_state", and for a
//     mid-epoch checkpoint "step_in_epoch", "epoch_rng_state", "epoch_loss_sum".
// The original stores no optimizer state (train.py's save_checkpoint); restoring it is optional here.
#include <cstdint>
#include <map>
#include <string>

#include "framework/core/tensor.h"
#include "framework/optim/adam.h"
#include "models/scan/model/scan_model.h"
#include "models/scan/options.h"

namespace scan {

struct TrainingState {
  int epoch = -1;         // the 0-based index of the last finished epoch (-1: none)
  int64_t iteration = 0;  // Eiters of the original
  double best_rsum = 0;
  int best_epoch = -1;    // the epoch whose weights model_best holds (-1: none, or not recorded)
  std::string rng_state;  // fw::Generator::state() of the data order, or empty
  // A mid-epoch checkpoint (--save_step): step_in_epoch batches of epoch `epoch + 1` are done, in
  // the order drawn from epoch_rng_state (the generator before that epoch's shuffle), and their
  // losses sum to epoch_loss_sum. 0 for an epoch checkpoint.
  int64_t step_in_epoch = 0;
  std::string epoch_rng_state = {};
  double epoch_loss_sum = 0;
};

// Writes the file atomically (a failed save leaves no partial file); the parent directory is
// created if missing. `optimizer` may be null.
void save_checkpoint(const std::string& path, const ScanModel& model, const fw::optim::Adam* optimizer,
                     const TrainingState& state);

struct Checkpoint {
  ScanOptions opt;
  TrainingState state;
  std::map<std::string, fw::Tensor> tensors;  // every tensor of the file, by name
  std::string path;                           // where it was read from (for messages)
};

// Reads a checkpoint and checks its metadata: "opt" must be present (otherwise the file is not
// a SCAN checkpoint), hold valid JSON options that pass ScanOptions::validate(); "format", when
// present, must be "scan-checkpoint-1"; "epoch", "iteration" and "best_rsum", when present, must
// be numbers (absent ones keep TrainingState's defaults). Every error names the file.
Checkpoint read_checkpoint(const std::string& path);

// The metadata part of read_checkpoint: the same checks, plus ranges (epoch >= -1, -1 <= best_epoch
// <= epoch, iteration >= 0, finite sums) and generator states that parse. `path` names the file in
// messages.
void read_checkpoint_metadata(const std::map<std::string, std::string>& metadata, const std::string& path,
                              ScanOptions& opt, TrainingState& state);

// Copies the model tensors (every name not starting with "optimizer.") into `model`; every
// name, shape and dtype is checked first and all differences are reported at once, with the file.
// A tensor holding a NaN or an infinity is an error naming the file and the tensor.
void restore_model(const Checkpoint& checkpoint, ScanModel& model);

// Replaces the optimizer's state with the "optimizer." tensors (none: a fresh state), checked
// the same way.
void restore_optimizer(const Checkpoint& checkpoint, fw::optim::Adam& optimizer);

}  // namespace scan
