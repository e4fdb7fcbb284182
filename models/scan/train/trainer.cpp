#include "models/scan/train/trainer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include "framework/core/error.h"
#include "framework/core/fault.h"
#include "framework/core/parallel.h"
#include "framework/io/atomic_file.h"
#include "framework/optim/lr_schedule.h"
#include "models/scan/checkpoint.h"
#include "models/scan/data/batch.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/report.h"
#include "models/scan/train/data_checks.h"
#include "models/scan/train/train_step.h"

namespace scan {

namespace {

constexpr const char* kOp = "scan train";

using Clock = std::chrono::steady_clock;

// The first items of a batch, for messages.
std::string items_text(const std::vector<int64_t>& items) {
  std::string text;
  for (size_t i = 0; i < items.size() && i < 16; ++i) text += (i ? ", " : "") + std::to_string(items[i]);
  return items.size() > 16 ? text + ", ... (" + std::to_string(items.size()) + " in all)" : text;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Every option that differs from the checkpoint's, but --resume itself and --num_epochs (raising
// it is how a finished run is extended): resuming with other
// values is allowed (as in the original, the command line wins) but worth a warning, since the
// continuation is then not the run the checkpoint came from.
std::string changed_options(const ScanOptions& now, const ScanOptions& then) {
  const nlohmann::json a = now.to_json(), b = then.to_json();
  std::string changed;
  for (const auto& [key, value] : a.items())
    if (key != "resume" && key != "num_epochs" && b.contains(key) && b[key] != value)
      changed += std::string(changed.empty() ? "" : ", ") + "--" + key + " " + value.dump() + " (checkpoint: " +
                 b[key].dump() + ")";
  return changed;
}

// Fails now, not after an epoch, if checkpoints cannot be written into `folder`.
void check_writable(const std::string& folder) {
  const std::filesystem::path probe = std::filesystem::path(folder) / (".write_test." + std::to_string(::getpid()));
  std::ofstream out(probe);
  const bool ok = out.good() && (out << "x").good();
  out.close();
  std::error_code ignored;
  std::filesystem::remove(probe, ignored);
  fw::check(ok, kOp, "cannot write into the checkpoint folder '", folder, "' (--model_name): ", std::strerror(errno));
}

bool has_optimizer_state(const Checkpoint& checkpoint) {
  return std::any_of(checkpoint.tensors.begin(), checkpoint.tensors.end(),
                     [](const auto& entry) { return entry.first.starts_with("optimizer."); });
}

}  // namespace

Trainer::Trainer(ScanOptions opt, const CaptionImageSource& train, const CaptionImageSource& dev, std::ostream& out,
                 bool terminal)
    : opt_(std::move(opt)), train_(train), dev_(dev), out_(out), gen_(opt_.seed) {
  opt_.validate();
  if (opt_.threads > 0) fw::set_num_threads(opt_.threads);
  check_training_data(opt_, train_, dev_);
  for (const std::string& warning : training_data_warnings(opt_, train_, dev_)) out_ << warning << "\n";

  model_ = std::make_unique<ScanModel>(opt_, gen_);
  optimizer_ = std::make_unique<fw::optim::Adam>(model_->named_parameters(),
                                                 fw::optim::AdamOptions{.lr = opt_.learning_rate});
  if (!opt_.resume.empty()) resume_from(opt_.resume);

  // Unlike the original's os.mkdir, missing parent folders are created too.
  std::error_code error;
  std::filesystem::create_directories(opt_.model_name, error);
  fw::check(!error, kOp, "cannot create the checkpoint folder '", opt_.model_name, "' (--model_name): ",
            error.message());
  check_writable(opt_.model_name);
  for (const std::string& stale : fw::remove_stale_temporaries(opt_.model_name))
    out_ << "removed '" << stale << "', left by an interrupted save\n";
  if (!opt_.resume.empty()) {
    repair_model_best();  // also when nothing is left to train: a finished run killed before model_best
    fw::check(start_epoch_ < opt_.num_epochs, kOp, "--resume: '", opt_.resume, "' ends epoch ", start_epoch_ - 1,
              ", so there is nothing left to train with --num_epochs ", opt_.num_epochs, " (epochs 0..",
              opt_.num_epochs - 1, "); give --num_epochs ", start_epoch_ + 1, " or more to continue");
  }
  log_ = std::make_unique<MetricsLog>(opt_.logger_name, opt_.resume.empty() ? -1 : iteration_);
  progress_ = std::make_unique<Progress>(out_, terminal, opt_.log_step);
}

Trainer::~Trainer() = default;

void Trainer::resume_from(const std::string& path) {
  fw::check(std::filesystem::is_regular_file(path), kOp, "--resume: no checkpoint file '", path, "'");
  const Checkpoint checkpoint = read_checkpoint(path);
  restore_model(checkpoint, *model_);
  restore_optimizer(checkpoint, *optimizer_);
  const TrainingState& state = checkpoint.state;
  std::ostringstream warnings;
  if (state.rng_state.empty()) {
    // A converted original checkpoint (or initial weights written by another program): the
    // original resumes such a file with a fresh optimizer, and so do we. The data order is then
    // drawn from --seed exactly as a fresh run with that seed draws it (the model was built from
    // the same generator before its weights were replaced).
    warnings << "warning: '" << path << "' holds no random generator state"
             << (has_optimizer_state(checkpoint) ? "" : " and no optimizer state")
             << " (a converted original checkpoint?): the data order is drawn from --seed " << opt_.seed
             << ", so the continuation is not exact\n";
  } else {
    // A mid-epoch checkpoint: the generator as the epoch began, so that its order is drawn again.
    gen_.set_state(state.step_in_epoch > 0 ? state.epoch_rng_state : state.rng_state);
  }
  resume_step_ = state.step_in_epoch;
  resume_loss_sum_ = state.epoch_loss_sum;
  start_epoch_ = state.epoch + 1;
  iteration_ = state.iteration;
  best_rsum_ = state.best_rsum;
  best_epoch_ = state.best_epoch;
  std::ostringstream message;
  message << "=> resumed from '" << path << "' (epoch " << state.epoch << ", iteration " << state.iteration
          << ", best rsum " << state.best_rsum << "); continuing at epoch " << start_epoch_;
  if (resume_step_ > 0) message << ", after its first " << resume_step_ << " iterations";
  message << "\n";
  if (const std::string changed = changed_options(opt_, checkpoint.opt); !changed.empty())
    message << "warning: options differ from the checkpoint's: " << changed << "\n";
  message << warnings.str();
  out_ << message.str() << std::flush;
}

// model_best must hold the best epoch's weights. A run killed between writing checkpoint_<N> and
// model_best leaves an older model_best; the epoch checkpoint of the best epoch is then copied
// over it (atomically), so that model_best never disagrees with the best rsum recorded.
void Trainer::repair_model_best() {
  if (best_epoch_ < 0) return;  // nothing recorded (a converted or older checkpoint)
  const std::string best = best_path(), source = checkpoint_path(best_epoch_);
  int found = -2;
  if (std::filesystem::is_regular_file(best)) {
    try {
      found = read_checkpoint(best).state.epoch;
    } catch (const fw::Error&) {
      found = -3;
    }
  }
  if (found == best_epoch_) return;
  if (!std::filesystem::is_regular_file(source)) {
    out_ << "warning: '" << best << "' does not hold epoch " << best_epoch_ << " (the best so far, rsum " << best_rsum_
         << ") and '" << source << "' is gone, so it cannot be restored\n";
    return;
  }
  std::ifstream in(source, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fw::check(in.good() || in.eof(), kOp, "cannot read '", source, "' to restore '", best, "'");
  fw::write_file_atomically(best, bytes);
  out_ << "restored '" << best << "' from '" << source << "' (epoch " << best_epoch_ << ", the best so far: "
       << (found == -2 ? "it was missing" : found == -3 ? "it was unreadable" : "it held epoch " + std::to_string(found))
       << ")\n";
}

std::string Trainer::checkpoint_path(int epoch) const {
  return (std::filesystem::path(opt_.model_name) / ("checkpoint_" + std::to_string(epoch) + ".safetensors")).string();
}

std::string Trainer::partial_path() const {
  return (std::filesystem::path(opt_.model_name) / "checkpoint_partial.safetensors").string();
}

std::string Trainer::best_path() const {
  return (std::filesystem::path(opt_.model_name) / "model_best.safetensors").string();
}

void Trainer::print(const std::string& text) { progress_->print(text); }

std::vector<EpochResult> Trainer::run() {
  std::vector<EpochResult> results;
  if (start_epoch_ < opt_.num_epochs) {
    std::ostringstream plan;
    plan << "Training epochs " << start_epoch_ << ".." << opt_.num_epochs - 1 << " (--num_epochs " << opt_.num_epochs
         << "), " << Batcher(train_, opt_.batch_size).num_batches() << " iterations each\n";
    print(plan.str());
  }
  for (int epoch = start_epoch_; epoch < opt_.num_epochs; ++epoch) {
    EpochResult result;
    result.epoch = epoch;
    result.mean_loss = train_epoch(epoch);
    result.iteration = iteration_;
    result.dev = validate_dev(epoch, "end of epoch");
    const double rsum = result.dev.rsum();
    result.is_best = rsum > best_rsum_;
    best_rsum_ = std::max(rsum, best_rsum_);
    if (result.is_best) best_epoch_ = epoch;

    // The generator state is taken after everything random of this epoch, so a resumed run
    // draws the next epoch's order exactly as the uninterrupted one.
    const TrainingState state{.epoch = epoch, .iteration = iteration_, .best_rsum = best_rsum_,
                              .best_epoch = best_epoch_, .rng_state = gen_.state()};
    result.checkpoint = checkpoint_path(epoch);
    save_checkpoint(result.checkpoint, *model_, optimizer_.get(), state);
    fw::fault_point("train.between_checkpoint_and_best");
    if (result.is_best) save_checkpoint(best_path(), *model_, optimizer_.get(), state);
    std::error_code ignored;  // the epoch's mid-epoch checkpoint is superseded
    std::filesystem::remove(partial_path(), ignored);

    std::ostringstream line;
    line << "Epoch " << epoch << ": mean loss " << result.mean_loss << ", dev rsum " << rsum << " (best "
         << best_rsum_ << ")" << (result.is_best ? " new best" : "") << "; saved " << result.checkpoint
         << (result.is_best ? " and " + best_path() : "") << "\n";
    print(line.str());
    results.push_back(result);
  }
  return results;
}

std::string Trainer::last_good_checkpoint(int epoch) const {
  if (epoch == start_epoch_ && opt_.resume.empty() && epoch == 0)
    return "No checkpoint was written yet (lower --learning_rate or --grad_clip, then start again)";
  const std::string last = epoch > start_epoch_ || opt_.resume.empty() ? checkpoint_path(epoch - 1) : opt_.resume;
  return "Nothing was saved from this epoch; the last good checkpoint is '" + last + "' (continue with --resume " + last +
         ", e.g. with a lower --learning_rate)";
}

double Trainer::train_epoch(int epoch) {
  const double lr = fw::optim::step_decay_lr(opt_.learning_rate, epoch, opt_.lr_update);
  optimizer_->set_lr(lr);
  model_->train();
  Batcher batches(train_, opt_.batch_size);
  const std::string epoch_rng_state = gen_.state();  // what a mid-epoch checkpoint needs to redraw the order
  batches.shuffle(gen_);
  // Resumed from a mid-epoch checkpoint: the batches it had done are skipped.
  const int64_t first_batch = epoch == start_epoch_ ? resume_step_ : 0;

  StepReport report;
  report.epoch = epoch;
  report.batches = batches.num_batches();
  report.lr = lr;
  double loss_sum = first_batch > 0 ? resume_loss_sum_ : 0, seconds_sum = 0, seconds_since_log = 0;
  int64_t iterations_since_log = 0;
  for (int64_t b = first_batch; b < batches.num_batches(); ++b) {
    const Clock::time_point start = Clock::now();
    ++iteration_;
    const Batch batch = batches.batch(b);
    StepResult step;
    try {
      step = train_step(*model_, *optimizer_, batch, opt_.grad_clip,
                        "epoch " + std::to_string(epoch) + ", iteration " + std::to_string(iteration_) +
                            " (learning rate " + std::to_string(lr) + ")");
    } catch (const NonFiniteStep& e) {
      throw fw::Error(std::string(e.what()) + "; the batch's dataset items: " + items_text(batch.items) + ". " +
                      last_good_checkpoint(epoch));
    }
    const double loss_value = step.loss, grad_norm = step.grad_norm;

    const double seconds = seconds_since(start);
    loss_sum += loss_value;
    seconds_sum += seconds;
    seconds_since_log += seconds;
    ++iterations_since_log;
    report.index = b;
    report.iteration = iteration_;
    report.loss = loss_value;
    report.mean_loss = loss_sum / static_cast<double>(b + 1);
    report.grad_norm = grad_norm;
    report.seconds = seconds;
    report.mean_seconds = seconds_sum / static_cast<double>(b + 1 - first_batch);
    progress_->step(report);
    if (iteration_ % opt_.log_step == 0) {
      log_->write({{"type", "train"}, {"epoch", epoch}, {"iteration", iteration_}, {"loss", loss_value},
                   {"lr", lr}, {"grad_norm", grad_norm},
                   {"time", seconds_since_log / static_cast<double>(iterations_since_log)}});
      seconds_since_log = 0;
      iterations_since_log = 0;
    }
    if (iteration_ % opt_.val_step == 0) {
      validate_dev(epoch, "iteration " + std::to_string(iteration_));
      model_->train();
    }
    if (opt_.save_step > 0 && iteration_ % opt_.save_step == 0 && b + 1 < batches.num_batches()) {
      const TrainingState state{.epoch = epoch - 1, .iteration = iteration_, .best_rsum = best_rsum_,
                                .best_epoch = best_epoch_, .rng_state = epoch_rng_state, .step_in_epoch = b + 1,
                                .epoch_rng_state = epoch_rng_state, .epoch_loss_sum = loss_sum};
      save_checkpoint(partial_path(), *model_, optimizer_.get(), state);
    }
  }
  progress_->end_epoch();
  return loss_sum / static_cast<double>(batches.num_batches());
}

RetrievalMetrics Trainer::validate_dev(int epoch, const std::string& when) {
  const Clock::time_point start = Clock::now();
  model_->eval();
  const RetrievalMetrics metrics = validate(*model_, dev_, opt_.batch_size).metrics;
  fw::fault_point("train.validation");
  nlohmann::json record = {{"type", "val"}, {"epoch", epoch}, {"iteration", iteration_}};
  record.update(metrics_json(metrics));
  log_->write(record);
  std::ostringstream text;
  text << "Validation (epoch " << epoch << ", " << when << ", " << dev_.size() / 5 << " images, " << dev_.size()
       << " captions, " << std::fixed;
  text.precision(1);
  text << seconds_since(start) << " s)\n" << format_summary(metrics);
  print(text.str());
  return metrics;
}

}  // namespace scan
