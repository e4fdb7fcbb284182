// `scan train`: trains SCAN (the original train.py). Every train.py flag is accepted under its
// original name, meaning and default, so a README command line runs unchanged:
//   scan train --data_path "$DATA_PATH" --data_name f30k_precomp --vocab_path "$VOCAB_PATH"
//     --logger_name runs/f30k_scan/log --model_name runs/f30k_scan/log --max_violation --bi_gru
//     --agg_func=Mean --cross_attn=t2i --lambda_softmax=9
// Without --data_path, --data_name and --vocab_path it trains the built-in demo (models/scan/train/demo.h)
// on the synthetic picture dataset, writes that dataset beside the checkpoints so that `scan eval`
// can read it, and ends with the test recalls of the best model and a report page of it.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "framework/core/error.h"
#include "framework/devices/devices.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/vocab.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/report.h"
#include "models/scan/options.h"
#include "models/scan/pictures/picture_dataset_writer.h"
#include "models/scan/pictures/picture_split.h"
#include "models/scan/pictures/picture_words.h"
#include "models/scan/train/demo.h"
#include "models/scan/train/progress.h"
#include "models/scan/train/trainer.h"
#include "tools/scan/commands.h"
#include "tools/scan/picture_flags.h"
#include "tools/scan/train_flags.h"

namespace scan_tool {

namespace {

using scan::ScanOptions;

// Where the demo writes its dataset ("data") and its report ("report"): beside the checkpoint folder.
std::string demo_folder(const ScanOptions& opt, const char* name) {
  std::filesystem::path model = std::filesystem::path(opt.model_name).lexically_normal();
  if (model.filename().empty()) model = model.parent_path();
  return (model.parent_path() / name).string();
}

// Before anything is read or written: a CUDA device fails with why it is unusable here (a build
// without the CUDA backend, no such device), and otherwise because the trainer is CPU-only so far.
void check_device(const ScanOptions& opt) {
  const fw::Device device = parse_device_flag(opt.device);
  if (device.is_cpu()) return;
  try {
    fw::backend(device);
  } catch (const fw::Error& e) {
    throw fw::Error("--device " + opt.device + ": " + e.what());
  }
  throw fw::Error("--device " + opt.device + ": the trainer runs on the CPU only so far (the CUDA backend "
                  "computes the framework's ops: scan parity --device cuda); use --device cpu");
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
  const scan::PictureConfig config = scan::demo_data_config(opt);
  config.validate();
  const scan::Font font = scan::Font::load_default();  // the report needs it: a missing font fails now
  const scan::Vocabulary vocab = scan::picture_vocabulary();
  opt.vocab_size = vocab.size();
  // The data goes to disk too, and the checkpoints point at it, so `scan eval` can evaluate them.
  opt.data_path = demo_folder(opt, "data");
  opt.data_name = "pictures_precomp";
  opt.vocab_path = (std::filesystem::path(opt.data_path) / "vocab").string();
  std::cout << "No --data_path: training the built-in demo on the synthetic picture dataset (written to "
            << opt.data_path << "/" << opt.data_name << ", with the pictures of dev and test)\n";
  scan::write_picture_dataset(config, opt.data_path, opt.data_name, {"dev", "test"});
  const scan::PictureSplit train = scan::make_picture_split(config, "train");
  const scan::PictureSplit dev = scan::make_picture_split(config, "dev");
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

  scan::ReportRequest report;
  report.checkpoint = best;
  report.out = demo_folder(opt, "report");
  print_report_summary(scan::write_report(report, font, &std::cerr));
  return 0;
}

}  // namespace

int run_train_command(int argc, char** argv) {
  const TrainFlags flags = parse_train_flags(argc, argv);
  if (!flags.help.empty()) {
    std::cout << flags.help << "\n";
    return 0;
  }
  check_device(flags.options);
  return flags.demo ? train_demo(flags.options) : train_on_files(flags.options);
}

}  // namespace scan_tool
