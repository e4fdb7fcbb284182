// `scan train`: trains SCAN (the original train.py). Every train.py flag is accepted under its
// original name, meaning and default, so a README command line runs unchanged:
//   scan train --data_path "$DATA_PATH" --data_name f30k_precomp --vocab_path "$VOCAB_PATH"
//     --logger_name runs/f30k_scan/log --model_name runs/f30k_scan/log --max_violation --bi_gru
//     --agg_func=Mean --cross_attn=t2i --lambda_softmax=9
// Without --data_path, --data_name and --vocab_path it trains the built-in demo (models/scan/train/demo.h) on the synthetic
// dataset, writes that dataset beside the checkpoints so that `scan eval` can read it, and ends
// with the test recalls of the best model.
#include <unistd.h>

#include <cxxopts.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/vocab.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/report.h"
#include "models/scan/options.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "models/scan/train/demo.h"
#include "models/scan/train/progress.h"
#include "models/scan/train/trainer.h"
#include "tools/scan/commands.h"

namespace scan_tool {

namespace {

using scan::ScanOptions;

// A flag bound to one ScanOptions field: declared with its original default (shown in --help),
// and copied into the options only when given, so that the demo's own values survive otherwise.
class FlagTable {
 public:
  FlagTable(cxxopts::Options& options, const ScanOptions& defaults) : options_(options), defaults_(defaults) {}

  template <typename T>
  void add(const std::string& group, const std::string& name, T ScanOptions::*field, const std::string& help) {
    std::ostringstream shown;
    shown << defaults_.*field;
    options_.add_option(group, {name, help, cxxopts::value<T>()->default_value(shown.str())});
    setters_.push_back([name, field](const cxxopts::ParseResult& args, ScanOptions& opt) {
      if (args.count(name)) opt.*field = args[name].template as<T>();
    });
  }
  // A store_true flag of the original: no value, off by default.
  void add_switch(const std::string& group, const std::string& name, bool ScanOptions::*field,
                  const std::string& help) {
    options_.add_option(group, {name, help, cxxopts::value<bool>()});
    setters_.push_back([name, field](const cxxopts::ParseResult& args, ScanOptions& opt) {
      if (args.count(name)) opt.*field = args[name].as<bool>();
    });
  }
  void apply(const cxxopts::ParseResult& args, ScanOptions& opt) const {
    for (const auto& set : setters_) set(args, opt);
  }

 private:
  cxxopts::Options& options_;
  const ScanOptions& defaults_;
  std::vector<std::function<void(const cxxopts::ParseResult&, ScanOptions&)>> setters_;
};

void declare_flags(FlagTable& f) {
  using O = ScanOptions;
  f.add("data", "data_path", &O::data_path,
        "root of the datasets (<data_path>/<data_name>/{train,dev}_{ims.npy,caps.txt})");
  f.add("data", "data_name", &O::data_name, "dataset folder: f30k_precomp or coco_precomp");
  f.add("data", "vocab_path", &O::vocab_path, "folder of <data_name>_vocab.json");
  f.add("data", "img_dim", &O::img_dim, "dimension of the region features");
  f.add("data", "workers", &O::workers,
        "accepted for compatibility with train.py; has no effect (the original ignores it as well)");

  f.add("model", "word_dim", &O::word_dim, "dimension of the word embeddings");
  f.add("model", "embed_size", &O::embed_size, "dimension of the joint embedding space");
  f.add("model", "num_layers", &O::num_layers, "number of GRU layers");
  f.add_switch("model", "bi_gru", &O::bi_gru, "bidirectional GRU (the two directions are averaged)");
  f.add("model", "precomp_enc_type", &O::precomp_enc_type, "image encoder: basic or weight_norm");
  f.add_switch("model", "no_imgnorm", &O::no_imgnorm, "do not l2-normalise the image region embeddings");
  f.add_switch("model", "no_txtnorm", &O::no_txtnorm, "do not l2-normalise the word embeddings");
  f.add("model", "cross_attn", &O::cross_attn, "attention direction: t2i (text-to-image) or i2t (image-to-text)");
  f.add("model", "raw_feature_norm", &O::raw_feature_norm,
        "first normalisation of the attention scores: clipped_l2norm, l2norm, clipped_l1norm, l1norm, clipped, softmax, no_norm");
  f.add("model", "agg_func", &O::agg_func, "aggregation of the word/region similarities: LogSumExp, Mean, Max, Sum");
  f.add("model", "lambda_lse", &O::lambda_lse, "LogSumExp temperature (lambda_2)");
  f.add("model", "lambda_softmax", &O::lambda_softmax, "attention softmax temperature (lambda_1)");

  f.add("training", "margin", &O::margin, "rank loss margin");
  f.add_switch("training", "max_violation", &O::max_violation, "use the hardest negative in the loss (VSE++)");
  f.add("training", "num_epochs", &O::num_epochs, "number of training epochs");
  f.add("training", "batch_size", &O::batch_size, "size of a training mini-batch");
  f.add("training", "learning_rate", &O::learning_rate, "initial learning rate (Adam)");
  f.add("training", "lr_update", &O::lr_update, "divide the learning rate by 10 every lr_update epochs");
  f.add("training", "grad_clip", &O::grad_clip, "clip the global gradient norm to this value (<= 0: no clipping)");
  f.add("training", "resume", &O::resume, "path to a checkpoint to continue training from");
  f.add("training", "seed", &O::seed, "seed of the initial weights and of the data order");

  f.add("logging", "log_step", &O::log_step, "iterations between log lines and metrics records");
  f.add("logging", "val_step", &O::val_step, "iterations between mid-epoch validations (logged only)");
  f.add("logging", "logger_name", &O::logger_name, "folder of the metrics log (metrics.jsonl)");
  f.add("logging", "model_name", &O::model_name, "folder of the checkpoints (created with its parents)");
  f.add("logging", "save_step", &O::save_step,
        "iterations between mid-epoch checkpoints (<model_name>/checkpoint_partial.safetensors, which --resume "
        "continues exactly; 0 = off, as the original)");

  f.add("runtime", "threads", &O::threads, "CPU threads (0 = all)");
  f.add("runtime", "device", &O::device, "cpu; cuda is recognised, but this build has no CUDA backend");
}

// Where the demo writes the synthetic dataset: "data" beside the checkpoint folder.
std::string demo_data_folder(const ScanOptions& opt) {
  std::filesystem::path model = std::filesystem::path(opt.model_name).lexically_normal();
  if (model.filename().empty()) model = model.parent_path();
  return (model.parent_path() / "data").string();
}

void check_device(const ScanOptions& opt) {
  fw::check(opt.device == "cpu", "--device", "'", opt.device,
            "': this build has no CUDA backend; only --device cpu is available");
}

std::string vocab_file(const ScanOptions& opt) {
  return (std::filesystem::path(opt.vocab_path) / (opt.data_name + "_vocab.json")).string();
}

void print_run(const ScanOptions& opt, const scan::CaptionImageSource& train, const scan::CaptionImageSource& dev) {
  std::cout << "Train: " << train.size() << " captions, " << train.num_images() << " images; dev: " << dev.size()
            << " captions, " << dev.num_images() << " images; vocabulary " << opt.vocab_size << " words\n"
            << "Options: " << opt.to_json().dump() << "\n"
            << std::flush;
}

int train_on_files(const ScanOptions& given) {
  ScanOptions opt = given;
  const std::string vocab_path = vocab_file(opt);
  fw::check(std::filesystem::is_regular_file(vocab_path), "--vocab_path", "no vocabulary file '", vocab_path,
            "' (expected <vocab_path>/<data_name>_vocab.json)");
  const scan::Vocabulary vocab = scan::Vocabulary::load(vocab_path);
  opt.vocab_size = vocab.size();
  const scan::PrecompDataset train(opt.data_path, opt.data_name, "train", vocab, opt.img_dim);
  const scan::PrecompDataset dev(opt.data_path, opt.data_name, "dev", vocab, opt.img_dim);
  print_run(opt, train, dev);
  scan::Trainer trainer(opt, train, dev, std::cout, scan::Progress::stdout_is_terminal());
  trainer.run();
  std::cout << "Best dev rsum " << trainer.best_rsum() << " (" << trainer.best_path() << ")\n";
  return 0;
}

int train_demo(const ScanOptions& given) {
  ScanOptions opt = given;
  const scan::SyntheticConfig config = scan::demo_data_config(opt);
  config.validate();
  const scan::Vocabulary vocab = scan::synthetic_vocabulary();
  opt.vocab_size = vocab.size();
  // The data goes to disk too, and the checkpoints point at it, so `scan eval` can evaluate them.
  opt.data_path = demo_data_folder(opt);
  opt.data_name = "synthetic_precomp";
  opt.vocab_path = (std::filesystem::path(opt.data_path) / "vocab").string();
  std::cout << "No --data_path: training the built-in demo on the synthetic dataset (written to "
            << opt.data_path << "/" << opt.data_name << ")\n";
  scan::write_synthetic_dataset(config, opt.data_path, opt.data_name);
  const scan::SyntheticSplit train = scan::make_synthetic_split(config, "train");
  const scan::SyntheticSplit dev = scan::make_synthetic_split(config, "dev");
  print_run(opt, train, dev);
  scan::Trainer trainer(opt, train, dev, std::cout, scan::Progress::stdout_is_terminal());
  trainer.run();

  const std::string best = std::filesystem::exists(trainer.best_path())
                               ? trainer.best_path()
                               : trainer.checkpoint_path(opt.num_epochs - 1);
  scan::EvalRequest request;
  request.checkpoint = best;
  request.split = "test";
  const scan::Evaluation test = scan::evaluate_checkpoint(request).evaluation;
  char chance[64];
  std::snprintf(chance, sizeof chance, "%.1f", scan::chance_rsum(test.n_images));
  std::cout << "TEST (" << test.n_images << " images, " << test.n_captions << " captions) of " << best << ":\n"
            << scan::format_summary(test.metrics) << "(a model that scores at random has rsum " << chance << ")\n"
            << "Evaluate again with: scan eval --model " << best << "\n";
  return 0;
}

}  // namespace

int run_train_command(int argc, char** argv) {
  const ScanOptions defaults;
  cxxopts::Options options("scan train",
                           "Trains SCAN with the flags of the original train.py (same names, meanings and "
                           "defaults).\nWithout --data_path, --data_name and --vocab_path: the built-in demo, a small SCAN "
                           "trained on the synthetic dataset in about two minutes on two cores (its own defaults "
                           "are printed when it starts; flags given override them).");
  options.set_width(110);
  FlagTable flags(options, defaults);
  declare_flags(flags);
  options.add_options("help")("h,help", "show this help");
  const auto args = parse_naming_options(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help({"data", "model", "training", "logging", "runtime", "help"}) << "\n";
    return 0;
  }
  if (!args.unmatched().empty()) throw fw::Error("unexpected argument '" + args.unmatched()[0] + "'");

  // Naming any part of a dataset means real data, with the original defaults for the rest.
  const bool demo = args.count("data_path") + args.count("data_name") + args.count("vocab_path") == 0;
  ScanOptions opt = demo ? scan::demo_options() : defaults;
  flags.apply(args, opt);
  opt.validate();
  check_device(opt);
  return demo ? train_demo(opt) : train_on_files(opt);
}

}  // namespace scan_tool
