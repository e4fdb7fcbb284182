// `scan synth`: writes a synthetic dataset in the original on-disk layout, ready for
// `scan train --data_path DIR --data_name NAME --vocab_path DIR/vocab`:
//   DIR/NAME/{train,dev,test}_ims.npy, DIR/NAME/{train,dev,test}_caps.txt, DIR/vocab/NAME_vocab.json
// Without --images: the feature-only dataset (models/scan/synthetic/synthetic_data.h), concepts as
// random directions. With --images: the picture dataset (models/scan/pictures/picture_split.h),
// rendered PNG scenes whose region features are computed from the pixels, plus
//   DIR/NAME/{split}_boxes.npy, {split}_objects.json, images/{split}/*.png, {split}_images.txt
#include <algorithm>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/pictures/picture_dataset_writer.h"
#include "models/scan/pictures/picture_words.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "tools/scan/commands.h"

namespace scan_tool {

namespace {

std::string shortest(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// The flags both datasets have: the seed, the split sizes, the region count and feature size (whose
// defaults differ, so they are set only when given).
template <typename Config>
void read_shared_flags(const cxxopts::ParseResult& args, Config& config) {
  config.seed = args["seed"].as<uint64_t>();
  config.train_images = args["train_images"].as<int64_t>();
  config.dev_images = args["dev_images"].as<int64_t>();
  config.test_images = args["test_images"].as<int64_t>();
  if (args.count("img_dim")) config.img_dim = args["img_dim"].as<int64_t>();
  if (args.count("regions")) config.regions = args["regions"].as<int64_t>();
}

// --images: the picture dataset, PNGs for the splits of --picture_splits.
int write_pictures(const cxxopts::ParseResult& args, const std::string& out, const std::string& name) {
  scan::PictureConfig config;
  read_shared_flags(args, config);
  config.width = args["width"].as<int>();
  config.height = args["height"].as<int>();
  config.validate();
  std::vector<std::string> splits;
  std::string list = args["picture_splits"].as<std::string>();
  for (size_t start = 0; start <= list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) splits.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  for (const std::string& split : splits)
    fw::check(split == "train" || split == "dev" || split == "test", "--picture_splits",
              "expected a comma-separated list of train, dev and test, got '", split, "'");
  scan::write_picture_dataset(config, out, name, splits);
  const std::filesystem::path folder = std::filesystem::path(out) / name;
  std::cout << "wrote " << folder.string() << ": train " << config.train_images << ", dev " << config.dev_images
            << ", test " << config.test_images << " pictures of " << config.width << " x " << config.height
            << " (5 captions each, " << config.regions << " region boxes with " << config.img_dim
            << "-value features), seed " << config.seed << "; PNGs of " << (list.empty() ? "no split" : list) << "\n"
            << "wrote " << (std::filesystem::path(out) / "vocab" / (name + "_vocab.json")).string() << " ("
            << scan::picture_vocabulary().size() << " words)\n";
  return 0;
}

}  // namespace

int run_synth_command(int argc, char** argv) {
  const scan::SyntheticConfig defaults;
  const auto integer = [](int64_t value) { return cxxopts::value<int64_t>()->default_value(std::to_string(value)); };
  cxxopts::Options options("scan synth", "Write the synthetic SCAN dataset in the original on-disk layout.");
  options.add_options()
      ("out", "output folder (DIR/NAME/ and DIR/vocab/ are created)", cxxopts::value<std::string>())
      ("data_name", "dataset name (default: synthetic_precomp, with --images pictures_precomp)",
       cxxopts::value<std::string>())
      ("images", "the picture dataset: rendered scenes, boxes, features from pixels, object annotations")
      ("width", "with --images: picture width", cxxopts::value<int>()->default_value("128"))
      ("height", "with --images: picture height", cxxopts::value<int>()->default_value("128"))
      ("picture_splits", "with --images: the splits whose PNGs are written",
       cxxopts::value<std::string>()->default_value("train,dev,test"))
      ("seed", "seed of the whole dataset", cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.seed)))
      ("train_images", "images in train", integer(defaults.train_images))
      ("dev_images", "images in dev", integer(defaults.dev_images))
      ("test_images", "images in test", integer(defaults.test_images))
      ("img_dim", "region feature size (default: 64, with --images 256)", cxxopts::value<int64_t>())
      ("regions", "regions per image (default: 12, with --images 36)", cxxopts::value<int64_t>())
      ("noise", "norm of the noise added to a depicted pair's region", cxxopts::value<double>()->default_value(shortest(defaults.noise)))
      ("h,help", "show this help");
  const auto parsed = parse_arguments(options, argc, argv);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  if (!args.count("out")) throw fw::Error("missing --out DIR (where to write the dataset)");
  const std::string out = args["out"].as<std::string>();
  if (args.count("images"))
    return write_pictures(args, out,
                          args.count("data_name") ? args["data_name"].as<std::string>() : "pictures_precomp");

  scan::SyntheticConfig config;
  read_shared_flags(args, config);
  config.noise = args["noise"].as<double>();
  config.validate();

  const std::string name = args.count("data_name") ? args["data_name"].as<std::string>() : "synthetic_precomp";
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
