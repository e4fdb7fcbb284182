#include "tools/scan/train_flags.h"

#include <cxxopts.hpp>
#include <functional>
#include <sstream>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/train/demo.h"
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
  f.add("runtime", "device", &O::device, "cpu (cuda or cuda:<n> are recognised; the trainer is CPU only so far)");
}

}  // namespace

TrainFlags parse_train_flags(int argc, char** argv) {
  const ScanOptions defaults;
  cxxopts::Options options("scan train",
                           "Trains SCAN with the flags of the original train.py (same names, meanings and "
                           "defaults).\nWithout --data_path, --data_name and --vocab_path: the built-in demo, a small SCAN "
                           "trained on the synthetic picture dataset in under three minutes on two cores, ending with a "
                           "report page (its own defaults "
                           "are printed when it starts; flags given override them).");
  options.set_width(110);
  FlagTable flags(options, defaults);
  declare_flags(flags);
  options.add_options("help")("h,help", "show this help");
  const auto args = parse_naming_options(options, argc, argv);
  TrainFlags out;
  if (args.count("help")) {
    out.help = options.help({"data", "model", "training", "logging", "runtime", "help"});
    return out;
  }
  if (!args.unmatched().empty()) throw fw::Error("unexpected argument '" + args.unmatched()[0] + "'");

  // Naming any part of a dataset means real data, with the original defaults for the rest.
  out.demo = args.count("data_path") + args.count("data_name") + args.count("vocab_path") == 0;
  out.options = out.demo ? scan::demo_options() : defaults;
  flags.apply(args, out.options);
  out.options.validate();
  return out;
}

}  // namespace scan_tool
