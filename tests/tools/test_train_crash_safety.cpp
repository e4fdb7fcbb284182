// `scan train` killed (SIGKILL, through the FW_FAULT_KILL fault points of framework/core/fault.h)
// inside a step, during validation, between the epoch checkpoint and model_best, and while each
// file is written and renamed. After every kill: each file under its final name loads; resuming
// from the newest epoch checkpoint (or starting again when there is none) ends with exactly the
// uninterrupted run's checkpoints, model_best and metrics log.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <ranges>
#include <string>
#include <vector>

#include "framework/io/safetensors.h"
#include "models/scan/checkpoint.h"
#include "models/scan/train/metrics_log.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

namespace fs = std::filesystem;
using scan_test::TempDir;

constexpr int kEpochs = 3;

std::string train_flags(const TempDir& root, const std::string& run) {
  const std::string data = root.file("data");
  return " --data_path " + data + " --data_name synthetic_precomp --vocab_path " + data +
         "/vocab --img_dim 16 --embed_size 16 --word_dim 8 --batch_size 50 --bi_gru --max_violation"
         " --learning_rate 0.005 --num_epochs " + std::to_string(kEpochs) + " --log_step 1 --val_step 3 --threads 1"
         " --seed 5 --model_name " + root.file(run + "/checkpoint") + " --logger_name " + root.file(run + "/log");
}

scan_test::CommandResult run_scan(const std::string& arguments, const std::string& environment = "") {
  return scan_test::run_command(environment + " " + std::string(SCAN_BINARY_DIR) + "/scan " + arguments);
}

std::vector<fs::path> final_files(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::exists(folder)) return files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().find(".tmp.") == std::string::npos) files.push_back(entry.path());
  return files;
}

// The newest epoch checkpoint_<N>.safetensors in `folder`, or "".
std::string newest_epoch_checkpoint(const fs::path& folder) {
  for (int epoch = kEpochs - 1; epoch >= 0; --epoch) {
    const fs::path path = folder / ("checkpoint_" + std::to_string(epoch) + ".safetensors");
    if (fs::exists(path)) return path.string();
  }
  return "";
}

// What to resume from: the mid-epoch checkpoint when it is newer than every epoch checkpoint.
std::string newest_checkpoint(const fs::path& folder) {
  const std::string epoch = newest_epoch_checkpoint(folder);
  const fs::path partial = folder / "checkpoint_partial.safetensors";
  if (!fs::exists(partial)) return epoch;
  if (epoch.empty()) return partial.string();
  return scan::read_checkpoint(partial.string()).state.iteration > scan::read_checkpoint(epoch).state.iteration
             ? partial.string()
             : epoch;
}

// Tensors, bit for bit, and the training state of two checkpoints (not their "opt": a resumed
// run records its --resume).
void check_same_checkpoint(const std::string& a, const std::string& b) {
  CAPTURE(a);
  const fw::SafetensorsFile x = fw::load_safetensors(a), y = fw::load_safetensors(b);
  REQUIRE(x.tensors.size() == y.tensors.size());
  for (const auto& item : x.tensors) {
    const auto& name = item.first;
    const auto& tensor = item.second;
    CAPTURE(name);
    REQUIRE(y.tensors.count(name) == 1);
    CHECK(tensor.to_vector<double>() == y.tensors.at(name).to_vector<double>());
  }
  for (const char* key : {"epoch", "iteration", "best_rsum", "best_epoch", "rng_state"}) {
    CAPTURE(key);
    CHECK(x.metadata.at(key) == y.metadata.at(key));
  }
}

// The log's records without their wall-clock times.
std::vector<nlohmann::json> records(const std::string& path) {
  std::vector<nlohmann::json> out = scan::read_metrics_log(path);
  for (nlohmann::json& record : out) record.erase("time");
  return out;
}

void check_kills(const std::string& extra_flags, const std::vector<std::pair<std::string, int>>& kills) {
  TempDir root;
  REQUIRE(run_scan("synth --out " + root.file("data") +
               " --train_images 40 --dev_images 20 --test_images 20 --img_dim 16 --regions 4")
              .status == 0);
  const scan_test::CommandResult reference = run_scan("train" + train_flags(root, "reference") + extra_flags);
  INFO(reference.output);
  REQUIRE(reference.status == 0);
  const fs::path reference_checkpoints = root.file("reference/checkpoint");

  int run_index = 0;
  for (const auto& item : kills) {
    const auto& point = item.first;
    const auto& count = item.second;
    const std::string run = "killed_" + std::to_string(run_index++);
    CAPTURE(point);
    CAPTURE(count);
    const scan_test::CommandResult killed =
        run_scan("train" + train_flags(root, run) + extra_flags, "FW_FAULT_KILL=" + point + ":" + std::to_string(count));
    CHECK(killed.status != 0);  // killed, not finished
    const fs::path checkpoints = root.file(run + "/checkpoint");
    for (const fs::path& file : final_files(checkpoints)) {
      CAPTURE(file.string());
      if (file.extension() == ".safetensors") CHECK_NOTHROW(scan::read_checkpoint(file.string()));
    }

    const std::string newest = newest_checkpoint(checkpoints);
    const scan_test::CommandResult resumed =
        run_scan("train" + train_flags(root, run) + extra_flags + (newest.empty() ? "" : " --resume " + newest));
    INFO(resumed.output);
    // Killed after the last epoch's checkpoint: resuming only restores model_best, then says so.
    const bool finished = newest.ends_with("checkpoint_" + std::to_string(kEpochs - 1) + ".safetensors");
    if (finished) CHECK(resumed.output.find("nothing left to train") != std::string::npos);
    else REQUIRE(resumed.status == 0);
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
      const std::string name = "checkpoint_" + std::to_string(epoch) + ".safetensors";
      check_same_checkpoint((checkpoints / name).string(), (reference_checkpoints / name).string());
    }
    check_same_checkpoint((checkpoints / "model_best.safetensors").string(),
                          (reference_checkpoints / "model_best.safetensors").string());
    CHECK_FALSE(fs::exists(checkpoints / "checkpoint_partial.safetensors"));  // superseded by its epoch's
    const scan::Checkpoint last = scan::read_checkpoint(newest_epoch_checkpoint(checkpoints));
    CHECK(scan::read_checkpoint((checkpoints / "model_best.safetensors").string()).state.epoch ==
          last.state.best_epoch);
    CHECK(records(root.file(run + "/log/metrics.jsonl")) == records(root.file("reference/log/metrics.jsonl")));
    for (const fs::directory_entry& entry : fs::directory_iterator(checkpoints))
      CHECK_MESSAGE(entry.path().filename().string().find(".tmp.") == std::string::npos, "left behind: ",
                    entry.path().string());
  }
}

}  // namespace

// 200 captions, batches of 50: 4 steps an epoch, a validation every 3 steps and at each epoch's
// end; every save writes a file through a temporary and a rename.
TEST_CASE("scan train killed anywhere: files load, and resuming gives the uninterrupted run bit for bit") {
  check_kills("", {{"train.before_update", 1},
                   {"train.before_update", 6},
                   {"train.before_update", 11},
                   {"train.validation", 1},
                   {"train.validation", 3},
                   {"train.between_checkpoint_and_best", 1},
                   {"train.between_checkpoint_and_best", 2},
                   {"atomic_write.before_flush", 1},
                   {"atomic_write.before_flush", 4},
                   {"atomic_write.before_rename", 1},
                   {"atomic_write.before_rename", 2},
                   {"atomic_write.before_rename", 3},
                   {"atomic_write.before_rename", 5}});
}

// --save_step 3: mid-epoch checkpoints at iterations 3, 6 (epoch 1, after 2 of its batches) and 9;
// a kill after one of them resumes mid-epoch.
TEST_CASE("scan train --save_step: a run killed mid-epoch resumes from its mid-epoch checkpoint, bit for bit") {
  check_kills(" --save_step 3", {{"train.before_update", 5},
                                 {"train.before_update", 8},
                                 {"train.validation", 3},
                                 {"atomic_write.before_rename", 2},
                                 {"atomic_write.before_rename", 5}});
}

