// `scan vocab`: builds the vocabulary JSON as the original vocab.py does: the words of the tokenised
// captions of DATA_PATH/DATA_NAME/train_caps.txt and dev_caps.txt (never test) that occur at least
// --threshold times, after <pad> <start> <end> <unk>. Default output ./vocab/<data_name>_vocab.json,
// where the original writes it.
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>

#include "framework/core/error.h"
#include "models/scan/data/vocab.h"
#include "tools/scan/commands.h"

namespace scan_tool {

int run_vocab_command(int argc, char** argv) {
  cxxopts::Options options("scan vocab", "Build a vocabulary JSON from the train and dev captions.");
  options.add_options()
      ("data_path", "dataset root", cxxopts::value<std::string>())
      ("data_name", "dataset name (e.g. f30k_precomp)", cxxopts::value<std::string>())
      ("out", "output JSON (default ./vocab/<data_name>_vocab.json)", cxxopts::value<std::string>())
      ("threshold", "keep words with at least this many occurrences", cxxopts::value<int64_t>()->default_value("4"))
      ("h,help", "show this help");
  const auto parsed = parse_arguments(options, argc, argv);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  if (!args.count("data_path")) throw fw::Error("missing --data_path DIR");
  if (!args.count("data_name")) throw fw::Error("missing --data_name NAME");
  const int64_t threshold = args["threshold"].as<int64_t>();
  if (threshold < 1) throw fw::Error("--threshold must be at least 1, got " + std::to_string(threshold));

  const std::string name = args["data_name"].as<std::string>();
  const std::filesystem::path folder = std::filesystem::path(args["data_path"].as<std::string>()) / name;
  const std::string out = args.count("out") ? args["out"].as<std::string>()
                                            : (std::filesystem::path("vocab") / (name + "_vocab.json")).string();
  const scan::Vocabulary vocab = scan::build_vocabulary_from_files(
      {(folder / "train_caps.txt").string(), (folder / "dev_caps.txt").string()}, threshold);
  const std::filesystem::path parent = std::filesystem::path(out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  vocab.save(out);
  std::cout << "wrote " << out << " (" << vocab.size() << " words, threshold " << threshold << ")\n";
  return 0;
}

}  // namespace scan_tool
