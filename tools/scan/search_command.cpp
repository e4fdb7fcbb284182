// `scan search`: retrieval with a trained SCAN, one query at a time, on the cached encoding of a
// split (models/scan/eval/encoding_cache.h: the first query encodes the split, later ones read it).
//   scan search --model CKPT --caption "a red circle ." --k 8 --out top.png   images for a caption
//   scan search --model CKPT --image 7 --k 10                                 captions for an image
// The ground truth is marked: for a caption, the images one of whose own captions it is (same tokens);
// for an image, its own 5 captions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>

#include "framework/core/error.h"
#include "models/scan/eval/encoding_cache.h"
#include "models/scan/eval/query.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/visual/report_writer.h"
#include "models/scan/visual/retrieval_picture.h"
#include "models/scan/visual/split_pictures.h"
#include "tools/scan/commands.h"
#include "tools/scan/picture_flags.h"

namespace scan_tool {

namespace {

// The images with `ids` among their captions.
std::vector<bool> images_described_by(const scan::PreparedModel& prepared, const std::vector<int64_t>& ids) {
  std::vector<bool> described(static_cast<size_t>(prepared.data->size() / scan::kCaptionsPerImage), false);
  for (int64_t item = 0; item < prepared.data->size(); ++item) {
    const auto caption = prepared.data->caption(item);
    if (std::equal(caption.begin(), caption.end(), ids.begin(), ids.end()))
      described[item / scan::kCaptionsPerImage] = true;
  }
  return described;
}

int search_images(const cxxopts::ParseResult& args, const scan::PreparedModel& prepared,
                  const scan::Embeddings& embeddings, int64_t k) {
  const std::string caption = args["caption"].as<std::string>();
  const std::vector<int64_t> ids = prepared.vocab.encode_caption(caption);
  constexpr int64_t kMaxTokens = scan::PrecompDataset::kMaxCaptionTokens;
  fw::check(static_cast<int64_t>(ids.size()) <= kMaxTokens, "--caption", "expected at most ", kMaxTokens,
            " tokens, got ", ids.size());
  fw::check(std::any_of(ids.begin() + 1, ids.end() - 1, [](int64_t id) { return id != scan::Vocabulary::kUnk; }),
            "--caption", "none of the words of '", caption, "' is in the vocabulary");
  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> scores = scan::score_caption(*prepared.model, embeddings, ids);
  const std::vector<int64_t> top = scan::ranked(scores, k);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<bool> truth = images_described_by(prepared, ids);
  std::printf("top %zu of %lld images for \"%s\" (scored in %.3f s):\n", top.size(),
              static_cast<long long>(scores.size()), caption.c_str(), seconds);
  for (size_t r = 0; r < top.size(); ++r)
    std::printf("%3zu. image %-6lld score %.4f%s\n", r + 1, static_cast<long long>(top[r]), scores[top[r]],
                truth[top[r]] ? "  (true match)" : "");
  if (!args.count("out")) return 0;

  const scan::SplitPictures split(prepared, args["split"].as<std::string>());
  fw::check(split.has_images(), "--out", "the split has no pictures to draw ('", split.images_path(),
            "' does not exist); leave out --out for the list alone");
  const scan::Font font = font_flag(args);
  std::vector<scan::RetrievedImage> results;
  for (const int64_t image : top) results.push_back({split.image(image), image, scores[image], truth[image]});
  const std::string out = args["out"].as<std::string>();
  scan::write_png(scan::retrieval_grid(caption, results, font), out);
  std::cout << "wrote " << out << "\n";
  return 0;
}

int search_captions(const scan::PreparedModel& prepared, const scan::Embeddings& embeddings, int64_t image,
                    int64_t k) {
  const std::vector<double> scores = scan::score_image(*prepared.model, embeddings, image);
  const std::vector<int64_t> top = scan::ranked(scores, k);
  std::printf("top %zu of %lld captions for image %lld:\n", top.size(), static_cast<long long>(scores.size()),
              static_cast<long long>(image));
  for (size_t r = 0; r < top.size(); ++r)
    std::printf("%3zu. score %.4f  %s%s\n", r + 1, scores[top[r]],
                prepared.vocab.decode(prepared.data->caption(top[r])).c_str(),
                top[r] / scan::kCaptionsPerImage == image ? "  (true match)" : "");
  return 0;
}

}  // namespace

int run_search_command(int argc, char** argv) {
  cxxopts::Options options("scan search",
                           "Ranks a split's images for a caption (--caption), or its captions for an image "
                           "(--image), with a trained SCAN; the split's encoding is cached beside the checkpoint.");
  add_model_and_data_options(options);
  options.add_options()
      ("caption", "text query: rank the split's images", cxxopts::value<std::string>())
      ("image", "image query: rank the split's captions for image N", cxxopts::value<int64_t>())
      ("k", "how many results (-k N or --k N)", cxxopts::value<int64_t>()->default_value("8"))
      ("out", "with --caption: also draw the top images in one PNG (needs the split's pictures)",
       cxxopts::value<std::string>())
      ("cache", "the encoding cache file (default: <checkpoint>.<split>.encoding.safetensors)",
       cxxopts::value<std::string>());
  std::vector<std::string> storage;
  std::vector<char*> args_k = one_letter_long_options(argc, argv, 'k', storage);
  const auto parsed = parse_arguments(options, static_cast<int>(args_k.size()), args_k.data());
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  const std::string checkpoint = model_flag(args, "scan search");
  fw::check(args.count("caption") + args.count("image") == 1, "scan search",
            "give one query: --caption \"text\" (images for it) or --image N (captions for it)");
  const int64_t k = args["k"].as<int64_t>();
  fw::check(k >= 1, "--k", "expected at least 1 result, got ", k);
  if (args.count("out")) {
    fw::check(k <= scan::kMaxReportImages, "--k", "with --out at most ", scan::kMaxReportImages,
              " images are drawn, got ", k, " (leave out --out to list more)");
    const std::filesystem::path folder = std::filesystem::path(args["out"].as<std::string>()).parent_path();
    fw::check(folder.empty() || std::filesystem::is_directory(folder), "--out", "the folder '", folder.string(),
              "' does not exist");
  }
  const std::string split = args["split"].as<std::string>();
  const scan::PreparedModel prepared = scan::prepare_model(checkpoint, "--model", data_location(args), split);
  const std::string cache =
      args.count("cache") ? args["cache"].as<std::string>() : scan::default_encoding_cache(checkpoint, split);
  const scan::Embeddings embeddings = scan::cached_encoding(prepared, cache, &std::cerr);
  if (args.count("caption")) return search_images(args, prepared, embeddings, k);
  return search_captions(prepared, embeddings, args["image"].as<int64_t>(), k);
}

}  // namespace scan_tool
