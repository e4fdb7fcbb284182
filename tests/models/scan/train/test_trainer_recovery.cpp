// The trainer after things went wrong: a kill between the epoch checkpoint and model_best, files
// left by an interrupted save, a diverging run, a checkpoint with NaN weights, and initial weights
// from another program (no generator state).
#include <doctest/doctest.h>

#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "framework/core/error.h"
#include "framework/io/safetensors.h"
#include "models/scan/checkpoint.h"
#include "models/scan/train/data_checks.h"
#include "models/scan/train/train_step.h"
#include "models/scan/train/trainer.h"
#include "tests/models/scan/data/data_test_support.h"
#include "tests/models/scan/train/train_test_support.h"

namespace {

namespace fs = std::filesystem;
using scan_test::TempDir;
using scan_test::ThreadCountGuard;


using scan_test::tiny_data;
using scan_test::train;

void copy_file(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// A source that, once `poisoned`, returns NaN features for one image row.
class PoisonedSource : public scan::CaptionImageSource {
 public:
  PoisonedSource(const scan::CaptionImageSource& clean, int64_t bad_row) : clean_(clean), bad_row_(bad_row) {}
  bool poisoned = false;
  int64_t size() const override { return clean_.size(); }
  int64_t num_images() const override { return clean_.num_images(); }
  int64_t image_row(int64_t item) const override { return clean_.image_row(item); }
  std::span<const int64_t> caption(int64_t item) const override { return clean_.caption(item); }
  int64_t num_regions() const override { return clean_.num_regions(); }
  int64_t img_dim() const override { return clean_.img_dim(); }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override {
    clean_.copy_image_rows(rows, out);
    const int64_t row_size = num_regions() * img_dim();
    for (size_t i = 0; i < rows.size(); ++i)
      if (poisoned && rows[i] == bad_row_) out[i * row_size] = std::numeric_limits<float>::quiet_NaN();
  }

 private:
  const scan::CaptionImageSource& clean_;
  int64_t bad_row_;
};

// A pid that no process has.
int unused_pid() {
  for (int pid = 4194000; pid > 1000; --pid)
    if (::kill(pid, 0) != 0 && errno == ESRCH) return pid;
  return -1;
}

}  // namespace

TEST_CASE("Trainer resume restores a model_best that a kill left stale, and removes leftover temporary files") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.num_epochs = 2;
  const std::vector<scan::EpochResult> first = train(opt);
  const std::string last = opt.model_name + "/checkpoint_1.safetensors";
  const scan::TrainingState state = scan::read_checkpoint(last).state;
  REQUIRE(state.best_epoch >= 0);
  const std::string best = opt.model_name + "/model_best.safetensors";
  CHECK(scan::read_checkpoint(best).state.epoch == state.best_epoch);

  // The kill: model_best still holds another epoch, and a save left its temporary file.
  const int other_epoch = 1 - state.best_epoch;
  copy_file(opt.model_name + "/checkpoint_" + std::to_string(other_epoch) + ".safetensors", best);
  const int pid = unused_pid();
  REQUIRE(pid > 0);
  const std::string leftover = best + ".tmp." + std::to_string(pid);
  std::ofstream(leftover) << "half a file";

  scan::ScanOptions resumed = opt;
  resumed.num_epochs = 3;
  resumed.resume = last;
  std::string output;
  train(resumed, &output);
  INFO(output);
  CHECK(output.find("removed '" + leftover + "', left by an interrupted save") != std::string::npos);
  CHECK_FALSE(fs::exists(leftover));
  const scan::TrainingState after = scan::read_checkpoint(opt.model_name + "/checkpoint_2.safetensors").state;
  // model_best holds the best epoch recorded, whichever it is now.
  CHECK(scan::read_checkpoint(best).state.epoch == after.best_epoch);
  if (after.best_epoch == state.best_epoch)
    CHECK(output.find("restored '" + best + "' from '" + opt.model_name + "/checkpoint_" +
                      std::to_string(state.best_epoch) + ".safetensors' (epoch " + std::to_string(state.best_epoch) +
                      ", the best so far: it held epoch " + std::to_string(other_epoch) + ")") != std::string::npos);
}

TEST_CASE("Trainer stops at the first non-finite loss, naming the iteration and the batch, and saves nothing") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.num_epochs = 2;
  // The data passes the checks when the trainer starts; then one image row turns to NaN (as a
  // feature file rewritten under a running job would), and its batch's loss with it.
  PoisonedSource source(tiny_data().train, 5);
  std::ostringstream out;
  scan::Trainer trainer(opt, source, tiny_data().dev, out);
  source.poisoned = true;
  try {
    trainer.run();
    FAIL("training with lr 1e30 went through");
  } catch (const fw::Error& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("scan train: the loss is nan") != std::string::npos);
    CHECK(message.find(" at epoch 0, iteration ") != std::string::npos);
    CHECK(message.find("training stopped") != std::string::npos);
    CHECK(message.find("the batch's dataset items: ") != std::string::npos);
    CHECK(message.find("No checkpoint was written yet") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(opt.model_name + "/checkpoint_0.safetensors"));
  CHECK_FALSE(fs::exists(opt.model_name + "/model_best.safetensors"));
}

TEST_CASE("train_step: a NaN loss leaves the weights and the optimizer untouched") {
  scan::ScanOptions opt = scan_test::tiny_options("unused");
  fw::Generator gen(1);
  scan::ScanModel model(opt, gen);
  fw::optim::Adam adam(model.named_parameters());
  fw::Tensor weight = model.parameter("img_enc.fc.weight");
  weight.data<float>()[0] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> before = model.parameter("txt_enc.embed.weight").to_vector<float>();
  const scan::Batch batch = scan::collate(tiny_data().train, {0, 1, 2, 3});
  CHECK_THROWS_WITH_AS(scan::train_step(model, adam, batch, 2.0, "iteration 7"),
                       doctest::Contains("scan train: the loss is nan at iteration 7; training stopped"),
                       scan::NonFiniteStep);
  CHECK(model.parameter("txt_enc.embed.weight").to_vector<float>() == before);
  CHECK(adam.state_dict().empty());
}

TEST_CASE("restore_model names the tensor of a checkpoint that holds NaN weights") {
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  fw::Generator gen(2);
  scan::ScanModel model(opt, gen);
  model.parameter("txt_enc.rnn.bias_hh_l0").data<float>()[3] = std::numeric_limits<float>::infinity();
  const std::string path = dir.file("diverged.safetensors");
  scan::save_checkpoint(path, model, nullptr, {});
  scan::ScanModel target(opt, gen);
  CHECK_THROWS_WITH_AS(scan::restore_model(scan::read_checkpoint(path), target),
                       doctest::Contains(("restore_model: " + path +
                                          ": tensor 'txt_enc.rnn.bias_hh_l0' holds an infinite value at element 3")
                                             .c_str()),
                       fw::Error);
}

TEST_CASE("Trainer resumes initial weights without a generator state: warned, data order from --seed") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.num_epochs = 1;
  // What another program (tools/train_torch.py --save_init, a converted original) writes: weights
  // only, epoch -1, no generator state, no optimizer state. Here: our own initial weights of the seed.
  fw::Generator gen(opt.seed);
  const scan::ScanModel initial(opt, gen);
  const std::string init = dir.file("init.safetensors");
  scan::save_checkpoint(init, initial, nullptr, {});

  const std::vector<scan::EpochResult> fresh = train(opt);
  scan::ScanOptions resumed = opt;
  resumed.resume = init;
  resumed.model_name = dir.file("resumed/checkpoint");
  resumed.logger_name = dir.file("resumed/log");
  std::string output;
  const std::vector<scan::EpochResult> from_init = train(resumed, &output);
  CHECK(output.find("warning: '" + init + "' holds no random generator state and no optimizer state") !=
        std::string::npos);
  CHECK(output.find("the data order is drawn from --seed 3, so the continuation is not exact") != std::string::npos);
  // Same weights, same data order: the same run.
  REQUIRE(from_init.size() == 1);
  CHECK(from_init[0].mean_loss == fresh[0].mean_loss);
  CHECK(from_init[0].dev.rsum() == fresh[0].dev.rsum());
}

TEST_CASE("Trainer warns about a batch of one and about captions with no known word") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.batch_size = 1;
  std::vector<std::string> warnings = scan::training_data_warnings(opt, tiny_data().train, tiny_data().dev);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("--batch_size 1 puts no negative in a batch") != std::string::npos);

  // A split whose every word is <unk> (as with another dataset's vocabulary).
  class Unknown : public PoisonedSource {
   public:
    using PoisonedSource::PoisonedSource;
    std::span<const int64_t> caption(int64_t) const override { return ids_; }

   private:
    std::vector<int64_t> ids_{1, 3, 3, 2};
  };
  const Unknown unknown(tiny_data().dev, -1);
  opt.batch_size = 50;
  warnings = scan::training_data_warnings(opt, tiny_data().train, unknown);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "warning: every word of the dev captions is unknown to the vocabulary (<unk>): is "
                       "--vocab_path / --data_name the vocabulary of this data?");
}
