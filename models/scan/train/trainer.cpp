#include "models/scan/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/optim/clip_grad.h"
#include "framework/optim/lr_schedule.h"
#include "models/scan/checkpoint.h"
#include "models/scan/data/batch.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/report.h"
#include "models/scan/train/data_checks.h"

namespace scan {

namespace {

constexpr const char* kOp = "scan train";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Options that shape the model or the loss: resuming with a different value is allowed (as in the
// original, the command line wins) but worth a warning.
constexpr const char* kModelOptions[] = {"embed_size", "word_dim", "img_dim", "num_layers", "bi_gru",
                                         "precomp_enc_type", "no_imgnorm", "no_txtnorm", "raw_feature_norm",
                                         "agg_func", "cross_attn", "lambda_lse", "lambda_softmax", "margin",
                                         "max_violation", "vocab_size"};

std::string changed_model_options(const ScanOptions& now, const ScanOptions& then) {
  const nlohmann::json a = now.to_json(), b = then.to_json();
  std::string changed;
  for (const char* key : kModelOptions)
    if (a.contains(key) && b.contains(key) && a[key] != b[key])
      changed += std::string(changed.empty() ? "" : ", ") + "--" + key + " " + a[key].dump() + " (checkpoint: " +
                 b[key].dump() + ")";
  return changed;
}

}  // namespace

Trainer::Trainer(ScanOptions opt, const CaptionImageSource& train, const CaptionImageSource& dev, std::ostream& out,
                 bool terminal)
    : opt_(std::move(opt)), train_(train), dev_(dev), out_(out), gen_(opt_.seed) {
  opt_.validate();
  if (opt_.threads > 0) fw::set_num_threads(opt_.threads);
  check_training_data(opt_, train_, dev_);

  model_ = std::make_unique<ScanModel>(opt_, gen_);
  optimizer_ = std::make_unique<fw::optim::Adam>(model_->named_parameters(),
                                                 fw::optim::AdamOptions{.lr = opt_.learning_rate});
  if (!opt_.resume.empty()) resume_from(opt_.resume);

  // Unlike the original's os.mkdir, missing parent folders are created too.
  std::error_code error;
  std::filesystem::create_directories(opt_.model_name, error);
  fw::check(!error, kOp, "cannot create the checkpoint folder '", opt_.model_name, "' (--model_name): ",
            error.message());
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
  fw::check(!state.rng_state.empty(), kOp, "--resume: '", path,
            "' holds no random generator state, so the run cannot continue exactly; it is not an epoch checkpoint");
  gen_.set_state(state.rng_state);
  start_epoch_ = state.epoch + 1;
  iteration_ = state.iteration;
  best_rsum_ = state.best_rsum;
  std::ostringstream message;
  message << "=> resumed from '" << path << "' (epoch " << state.epoch << ", iteration " << state.iteration
          << ", best rsum " << state.best_rsum << "); continuing at epoch " << start_epoch_ << "\n";
  if (const std::string changed = changed_model_options(opt_, checkpoint.opt); !changed.empty())
    message << "warning: options differ from the checkpoint's: " << changed << "\n";
  out_ << message.str() << std::flush;
}

std::string Trainer::checkpoint_path(int epoch) const {
  return (std::filesystem::path(opt_.model_name) / ("checkpoint_" + std::to_string(epoch) + ".safetensors")).string();
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

    // The generator state is taken after everything random of this epoch, so a resumed run
    // draws the next epoch's order exactly as the uninterrupted one.
    const TrainingState state{.epoch = epoch, .iteration = iteration_, .best_rsum = best_rsum_,
                              .rng_state = gen_.state()};
    result.checkpoint = checkpoint_path(epoch);
    save_checkpoint(result.checkpoint, *model_, optimizer_.get(), state);
    if (result.is_best) save_checkpoint(best_path(), *model_, optimizer_.get(), state);

    std::ostringstream line;
    line << "Epoch " << epoch << ": mean loss " << result.mean_loss << ", dev rsum " << rsum << " (best "
         << best_rsum_ << ")" << (result.is_best ? " new best" : "") << "; saved " << result.checkpoint
         << (result.is_best ? " and " + best_path() : "") << "\n";
    print(line.str());
    results.push_back(result);
  }
  return results;
}

double Trainer::train_epoch(int epoch) {
  const double lr = fw::optim::step_decay_lr(opt_.learning_rate, epoch, opt_.lr_update);
  optimizer_->set_lr(lr);
  model_->train();
  Batcher batches(train_, opt_.batch_size);
  batches.shuffle(gen_);
  const std::vector<fw::Tensor> params = model_->parameters();
  // grad_clip <= 0 disables clipping; the norm is still measured for the log.
  const double max_norm = opt_.grad_clip > 0 ? opt_.grad_clip : std::numeric_limits<double>::infinity();

  StepReport report;
  report.epoch = epoch;
  report.batches = batches.num_batches();
  report.lr = lr;
  double loss_sum = 0, seconds_sum = 0, seconds_since_log = 0;
  int64_t iterations_since_log = 0;
  for (int64_t b = 0; b < batches.num_batches(); ++b) {
    const Clock::time_point start = Clock::now();
    ++iteration_;
    const Batch batch = batches.batch(b);
    const fw::Tensor img_emb = model_->encode_images(batch.images);
    const fw::Tensor cap_emb = model_->encode_captions(batch.captions, batch.lengths);
    optimizer_->zero_grad();
    const fw::Tensor loss = model_->loss(model_->scores(img_emb, cap_emb, batch.lengths));
    const double loss_value = loss.item();
    fw::check(std::isfinite(loss_value), kOp, "the loss is ", loss_value, " at epoch ", epoch, ", iteration ",
              iteration_, " (learning rate ", lr, "); training cannot continue");
    loss.backward();
    const double grad_norm = fw::optim::clip_grad_norm(params, max_norm);
    optimizer_->step();

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
    report.mean_seconds = seconds_sum / static_cast<double>(b + 1);
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
  }
  progress_->end_epoch();
  return loss_sum / static_cast<double>(batches.num_batches());
}

RetrievalMetrics Trainer::validate_dev(int epoch, const std::string& when) {
  const Clock::time_point start = Clock::now();
  model_->eval();
  const RetrievalMetrics metrics = validate(*model_, dev_, opt_.batch_size).metrics;
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
