#include "tools/scan/picture_flags.h"

#include <cstdio>
#include <filesystem>

#include "framework/core/error.h"
#include "tools/scan/commands.h"

namespace scan_tool {

void add_model_and_data_options(cxxopts::Options& options) {
  options.add_options()
      ("model", "trained checkpoint (required)", cxxopts::value<std::string>())
      ("data_path", "root of the datasets (default: the checkpoint's)", cxxopts::value<std::string>())
      ("data_name", "dataset folder under data_path (default: the checkpoint's)", cxxopts::value<std::string>())
      ("vocab_path", "folder of <data_name>_vocab.json (default: the checkpoint's)", cxxopts::value<std::string>())
      ("split", "split: test, dev, testall, ...", cxxopts::value<std::string>()->default_value("test"))
      ("font", "TrueType font for the labels (default: $SCAN_FONT, then DejaVu Sans)", cxxopts::value<std::string>())
      ("threads", "CPU threads (0 = all)", cxxopts::value<int>()->default_value("0"))
      ("h,help", "show this help");
}

std::vector<char*> one_letter_long_options(int argc, char** argv, char letter, std::vector<std::string>& storage) {
  const std::string long_form = std::string("--") + letter, with_value = long_form + "=";
  storage.clear();
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == long_form) {
      storage.push_back(std::string("-") + letter);
    } else if (arg.rfind(with_value, 0) == 0) {
      storage.push_back(std::string("-") + letter);
      storage.push_back(arg.substr(with_value.size()));
    } else {
      storage.push_back(arg);
    }
  }
  std::vector<char*> out;
  for (std::string& s : storage) out.push_back(s.data());
  return out;
}

scan::DataLocation data_location(const cxxopts::ParseResult& args) {
  scan::DataLocation where;
  if (args.count("data_path")) where.data_path = args["data_path"].as<std::string>();
  if (args.count("data_name")) where.data_name = args["data_name"].as<std::string>();
  if (args.count("vocab_path")) where.vocab_path = args["vocab_path"].as<std::string>();
  apply_threads_flag(args["threads"].as<int>());
  return where;
}

std::string model_flag(const cxxopts::ParseResult& args, const std::string& command) {
  fw::check(args.count("model") > 0, "--model", "a checkpoint is required (", command, " --model FILE)");
  return args["model"].as<std::string>();
}

scan::Font font_flag(const cxxopts::ParseResult& args) {
  return args.count("font") ? scan::Font::load(args["font"].as<std::string>()) : scan::Font::load_default();
}

std::string output_folder(const cxxopts::ParseResult& args, const std::string& command) {
  fw::check(args.count("out") > 0, "--out", "an output folder is required (", command, " ... --out DIR)");
  const std::string out = args["out"].as<std::string>();
  fw::check(!std::filesystem::exists(out) || std::filesystem::is_directory(out), "--out", "'", out,
            "' exists and is not a folder");
  std::filesystem::create_directories(out);
  return out;
}

void print_report_summary(const scan::ReportSummary& summary) {
  std::printf("rsum %.1f on %lld images", summary.metrics.rsum(), static_cast<long long>(summary.images));
  if (summary.pointing)
    std::printf(", pointing accuracy %.1f%% (a random region: %.1f%%)", 100 * summary.pointing->accuracy(),
                100 * summary.pointing->random_accuracy());
  std::printf("\nreport: %s\n", summary.index.c_str());
  std::fflush(stdout);
}

}  // namespace scan_tool
