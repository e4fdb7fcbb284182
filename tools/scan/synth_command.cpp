// `scan synth`: writes the built-in synthetic dataset (models/scan/synthetic/synthetic_data.h) in the
// original on-disk layout, ready for `scan train --data_path DIR --data_name NAME --vocab_path DIR/vocab`:
//   DIR/NAME/{train,dev,test}_ims.npy, DIR/NAME/{train,dev,test}_caps.txt, DIR/vocab/NAME_vocab.json
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "framework/core/error.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "tools/scan/commands.h"

namespace scan_tool {

namespace {

std::string shortest(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

}  // namespace

int run_synth_command(int argc, char** argv) {
  const scan::SyntheticConfig defaults;
  const auto integer = [](int64_t value) { return cxxopts::value<int64_t>()->default_value(std::to_string(value)); };
  cxxopts::Options options("scan synth", "Write the synthetic SCAN dataset in the original on-disk layout.");
  options.add_options()
      ("out", "output folder (DIR/NAME/ and DIR/vocab/ are created)", cxxopts::value<std::string>())
      ("data_name", "dataset name", cxxopts::value<std::string>()->default_value("synthetic_precomp"))
      ("seed", "seed of the whole dataset", cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.seed)))
      ("train_images", "images in train", integer(defaults.train_images))
      ("dev_images", "images in dev", integer(defaults.dev_images))
      ("test_images", "images in test", integer(defaults.test_images))
      ("img_dim", "region feature size", integer(defaults.img_dim))
      ("regions", "regions per image", integer(defaults.regions))
      ("noise", "norm of the noise added to a depicted pair's region", cxxopts::value<double>()->default_value(shortest(defaults.noise)))
      ("h,help", "show this help");
  const auto parsed = parse_arguments(options, argc, argv);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  if (!args.count("out")) throw fw::Error("missing --out DIR (where to write the dataset)");

  scan::SyntheticConfig config;
  config.seed = args["seed"].as<uint64_t>();
  config.train_images = args["train_images"].as<int64_t>();
  config.dev_images = args["dev_images"].as<int64_t>();
  config.test_images = args["test_images"].as<int64_t>();
  config.img_dim = args["img_dim"].as<int64_t>();
  config.regions = args["regions"].as<int64_t>();
  config.noise = args["noise"].as<double>();
  config.validate();

  const std::string out = args["out"].as<std::string>();
  const std::string name = args["data_name"].as<std::string>();
  scan::write_synthetic_dataset(config, out, name);
  const std::filesystem::path folder = std::filesystem::path(out) / name;
  std::cout << "wrote " << folder.string() << ": train " << config.train_images << ", dev " << config.dev_images
            << ", test " << config.test_images << " images (5 captions each, " << config.regions << " x "
            << config.img_dim << " region features), seed " << config.seed << "\n"
            << "wrote " << (std::filesystem::path(out) / "vocab" / (name + "_vocab.json")).string() << " ("
            << scan::synthetic_vocabulary().size() << " words)\n";
  return 0;
}

}  // namespace scan_tool
