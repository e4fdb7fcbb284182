#pragma once
// Helpers for the trainer tests: a tiny synthetic dataset, a tiny model configuration that learns
// it in a few seconds, and a guard that restores the thread count a test changes.
#include <sstream>
#include <string>
#include <vector>

#include "framework/core/parallel.h"
#include "models/scan/options.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "models/scan/train/trainer.h"

namespace scan_test {

// 60 training images (300 captions), 40 dev and 40 test images, 6 regions of 32 values.
inline scan::SyntheticConfig tiny_synthetic_config() {
  scan::SyntheticConfig config;
  config.seed = 7;
  config.train_images = 60;
  config.dev_images = 40;
  config.test_images = 40;
  config.img_dim = 32;
  config.regions = 6;
  return config;
}

// A small t2i SCAN (bi-GRU, hardest negatives) that logs every iteration into `dir`.
inline scan::ScanOptions tiny_options(const std::string& dir) {
  scan::ScanOptions opt;
  opt.num_epochs = 3;
  opt.batch_size = 50;
  opt.word_dim = 16;
  opt.embed_size = 32;
  opt.img_dim = 32;
  opt.learning_rate = 0.005;
  opt.lr_update = 10;
  opt.max_violation = true;
  opt.bi_gru = true;
  opt.log_step = 1;
  opt.val_step = 1000;
  opt.seed = 3;
  opt.threads = 1;
  opt.vocab_size = scan::synthetic_vocabulary().size();
  opt.logger_name = dir + "/log";
  opt.model_name = dir + "/checkpoint";
  return opt;
}

// Restores the thread count a Trainer (opt.threads) changes.
class ThreadCountGuard {
 public:
  ThreadCountGuard() : threads_(fw::num_threads()) {}
  ~ThreadCountGuard() { fw::set_num_threads(threads_); }
  ThreadCountGuard(const ThreadCountGuard&) = delete;
  ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

 private:
  int threads_;
};

// The tiny synthetic train and dev splits, made once.
struct TinyData {
  scan::SyntheticSplit train = scan::make_synthetic_split(tiny_synthetic_config(), "train");
  scan::SyntheticSplit dev = scan::make_synthetic_split(tiny_synthetic_config(), "dev");
};

inline const TinyData& tiny_data() {
  static const TinyData data;
  return data;
}

// Trains `opt` on the tiny splits (or another train split); the trainer's output goes to *output.
inline std::vector<scan::EpochResult> train(const scan::ScanOptions& opt, std::string* output = nullptr,
                                            const scan::CaptionImageSource& train_split = tiny_data().train) {
  std::ostringstream out;
  scan::Trainer trainer(opt, train_split, tiny_data().dev, out);
  std::vector<scan::EpochResult> results = trainer.run();
  if (output) *output = out.str();
  return results;
}

}  // namespace scan_test
