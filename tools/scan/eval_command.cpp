// `scan eval`: evaluates a trained checkpoint on a split (the original evaluation.py evalrank) and
// prints the original-style report; --json writes the metrics, --sims the score matrix as .npy.
//   scan eval --model runs/f30k/checkpoint/model_best.safetensors --data_path data --split test
//   scan eval --model coco_t2i.safetensors --ensemble coco_i2t.safetensors --split testall --fold5
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/io/atomic_file.h"
#include "framework/ops/indexing.h"
#include "models/scan/data/npy.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/report.h"
#include "tools/scan/commands.h"

namespace scan_tool {

namespace {

template <typename T>
std::optional<T> optional_arg(const cxxopts::ParseResult& args, const char* name) {
  if (!args.count(name)) return std::nullopt;
  return args[name].as<T>();
}

// Output files are written after the (long) evaluation; a missing folder is reported before it.
void check_output_folder(const cxxopts::ParseResult& args, const char* name) {
  if (!args.count(name)) return;
  const std::filesystem::path file(args[name].as<std::string>());
  const std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
  fw::check(std::filesystem::is_directory(folder), (std::string("--") + name).c_str(), "the folder '",
            folder.string(), "' of '", file.string(), "' does not exist");
}

}  // namespace

int run_eval_command(int argc, char** argv) {
  cxxopts::Options options("scan eval",
                           "Evaluates a SCAN checkpoint on a split: R@1/5/10, medr, meanr in both retrieval "
                           "directions, and rsum.\nOptions not given are taken from the checkpoint's training "
                           "options.");
  options.add_options()
      ("model", "checkpoint to evaluate (required)", cxxopts::value<std::string>())
      ("data_path", "root of the datasets (default: the checkpoint's)", cxxopts::value<std::string>())
      ("data_name", "dataset folder under data_path, e.g. f30k_precomp (default: the checkpoint's)",
       cxxopts::value<std::string>())
      ("vocab_path", "folder of <data_name>_vocab.json (default: the checkpoint's)", cxxopts::value<std::string>())
      ("split", "split to evaluate: test, testall (COCO 5K) or dev",
       cxxopts::value<std::string>()->default_value("test"))
      ("fold5", "COCO 1K protocol: the mean over 5 folds of 1,000 images (needs --split testall); only the "
                "folds' own image-caption pairs are scored")
      ("with_5k", "with --fold5: score all pairs and report the 5K protocol too, from one run")
      ("ensemble", "second checkpoint; the two models' scores are averaged", cxxopts::value<std::string>())
      ("json", "also write the metrics to this JSON file", cxxopts::value<std::string>())
      ("sims", "also write the [images, captions] float32 score matrix to this .npy file (the averaged one "
               "with --ensemble; with --fold5 alone the [5, 1000, 5000] fold blocks)", cxxopts::value<std::string>())
      ("batch_size", "captions per encoding batch (default: the checkpoint's)", cxxopts::value<int>())
      ("threads", "CPU threads (0 = all)", cxxopts::value<int>()->default_value("0"))
      ("h,help", "show this help");
  const auto parsed = parse_arguments(options, argc, argv);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  fw::check(args.count("model") > 0, "--model", "a checkpoint is required (scan eval --model FILE)");
  const int threads = args["threads"].as<int>();
  fw::check(threads >= 0 && threads <= fw::kMaxThreads, "--threads", "expected a count from 0 (all cores) to ",
            fw::kMaxThreads, ", got ", threads);
  if (args.count("batch_size"))
    fw::check(args["batch_size"].as<int>() > 0, "--batch_size", "expected a positive size, got ",
              args["batch_size"].as<int>());
  check_output_folder(args, "json");
  check_output_folder(args, "sims");
  if (threads > 0) fw::set_num_threads(threads);

  scan::EvalRequest request;
  request.checkpoint = args["model"].as<std::string>();
  if (args.count("ensemble")) request.ensemble = args["ensemble"].as<std::string>();
  request.data_path = optional_arg<std::string>(args, "data_path");
  request.data_name = optional_arg<std::string>(args, "data_name");
  request.vocab_path = optional_arg<std::string>(args, "vocab_path");
  request.batch_size = optional_arg<int>(args, "batch_size");
  request.split = args["split"].as<std::string>();
  request.fold5 = args.count("fold5") > 0;
  request.with_full = args.count("with_5k") > 0;
  request.log = &std::cout;

  const scan::EvalOutcome outcome = scan::evaluate_checkpoint(request);
  std::cout << scan::format_report(outcome.evaluation) << std::flush;
  if (outcome.full_evaluation) std::cout << "\n5K, all pairs:\n" << scan::format_report(*outcome.full_evaluation) << std::flush;
  if (args.count("json")) {
    nlohmann::json report = scan::report_json(outcome.evaluation);
    if (outcome.full_evaluation) report["full_5k"] = scan::report_json(*outcome.full_evaluation);
    report["model"] = request.checkpoint;
    if (!request.ensemble.empty()) report["ensemble"] = request.ensemble;
    report["split"] = request.split;
    fw::write_file_atomically(args["json"].as<std::string>(), report.dump(2) + "\n");
  }
  if (args.count("sims"))
    scan::save_npy(args["sims"].as<std::string>(),
                   outcome.fold_sims.empty() ? outcome.sims : fw::stack(outcome.fold_sims, 0));
  return 0;
}

}  // namespace scan_tool
