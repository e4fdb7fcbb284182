// `scan attend`: what a trained SCAN aligns in one image-caption pair, drawn on the picture
// (models/scan/visual/attention_pictures.h), or, with --eval, its pointing accuracy over a split.
//   scan attend --model CKPT --index 7 --caption "a small red circle left of a blue star ." --out att/
//   scan attend --model CKPT --image photo.jpg --boxes photo_boxes.npy --features photo_ims.npy
//               --caption "..." --out att/
//   scan attend --model CKPT --eval --split test --json pointing.json
// Writes into --out: sheet.png (every word's map), regions.png (image-to-text), word_NN_<word>.png
// (one per word; those of an earlier caption are removed) and attention.json (the weights, words,
// boxes and score). Every input is read and checked (picture, boxes, features, caption, font)
// before the first file is written. With files of your own, --index is a row of those files.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/visual/alignment.h"
#include "models/scan/visual/attention_pictures.h"
#include "models/scan/visual/split_pictures.h"
#include "models/scan/visual/split_pointing.h"
#include "tools/scan/commands.h"
#include "tools/scan/picture_flags.h"

namespace scan_tool {

namespace {

// <start>, <end> and up to 62 words.
constexpr int64_t kMaxDrawnTokens = 64;

struct PairInputs {
  scan::Image picture;
  std::vector<scan::Box> boxes;
  fw::Tensor features;  // [R, img_dim]
  std::string caption;
  std::vector<int64_t> ids;
};

// A name for a file: lower-case letters, digits, '-' and '_' kept, anything else '_'.
std::string file_safe(const std::string& word) {
  std::string out;
  for (const unsigned char c : word) out += (std::isalnum(c) || c == '-' || c == '_') ? static_cast<char>(c) : '_';
  return out.empty() ? "_" : out;
}

// The row of a file of your own ([R, ...] or [N, R, ...]): --index counts that file's rows.
int64_t row_of_own_file(const scan::NpyArray& file, const char* flag, int64_t index, bool index_given) {
  if (file.shape().size() == 2) return 0;
  fw::check(index_given || file.shape()[0] == 1, flag, "'", file.path(), "' holds ", file.shape()[0],
            " images: choose one with --index (a row of that file)");
  fw::check(index >= 0 && index < file.shape()[0], "--index", "'", file.path(), "' has ", file.shape()[0],
            " images, got ", index);
  return index;
}

fw::Tensor features_from_file(const std::string& path, int64_t index, bool index_given) {
  const scan::NpyArray file(path);
  const fw::Shape& shape = file.shape();
  fw::check((shape.size() == 2 || shape.size() == 3) && shape[shape.size() - 2] > 0, "--features", "'", path,
            "' must hold region features [R, d] or [N, R, d] with R >= 1, found ", fw::shape_str(shape));
  fw::Tensor features;
  if (shape.size() == 2) {
    features = file.read_rows(0, shape[0]);
  } else {
    const int64_t row = row_of_own_file(file, "--features", index, index_given);
    features = file.read_rows(row, row + 1).select(0, 0);
  }
  for (const float v : features.to_vector<float>())
    fw::check(std::isfinite(v), "--features", "'", path, "' holds a NaN or an infinity");
  return features;
}

PairInputs read_inputs(const cxxopts::ParseResult& args, const scan::PreparedModel& prepared,
                       const scan::SplitPictures* split) {
  PairInputs in;
  const int64_t index = args["index"].as<int64_t>();
  const bool index_given = args.count("index") > 0;
  in.picture = args.count("image") ? scan::load_image(args["image"].as<std::string>()) : split->image(index);
  if (args.count("boxes")) {
    const scan::NpyArray file(args["boxes"].as<std::string>());
    const bool many = file.shape().size() == 3;
    in.boxes = scan::read_boxes(file, many ? row_of_own_file(file, "--boxes", index, index_given) : 0);
  } else {
    in.boxes = split->boxes(index);
  }
  in.features = args.count("features") ? features_from_file(args["features"].as<std::string>(), index, index_given)
                                       : split->features(index);
  fw::check(in.features.size(1) == prepared.opt.img_dim, "--features", "the features have ", in.features.size(1),
            " values per region but the model was trained on img_dim ", prepared.opt.img_dim);
  const std::string box_source = args.count("boxes") ? "'" + args["boxes"].as<std::string>() + "'"
                                                     : "'" + split->boxes_path() + "', image " + std::to_string(index);
  scan::check_boxes(in.boxes, in.picture.width(), in.picture.height(), in.features.size(0), box_source);

  if (args.count("caption")) {
    in.caption = args["caption"].as<std::string>();
  } else {
    fw::check(split != nullptr, "--caption", "give the caption to align (--caption \"...\")");
    const int64_t c = args["caption_index"].as<int64_t>();
    fw::check(c >= 0 && c < scan::kCaptionsPerImage, "--caption_index", "expected 0 to ", scan::kCaptionsPerImage - 1,
              ", got ", c);
    const auto ids = prepared.data->caption(index * scan::kCaptionsPerImage + c);
    in.ids.assign(ids.begin(), ids.end());
    in.caption = prepared.vocab.decode(in.ids);
  }
  if (in.ids.empty()) in.ids = prepared.vocab.encode_caption(in.caption);
  fw::check(static_cast<int64_t>(in.ids.size()) <= kMaxDrawnTokens, "--caption", "expected at most ",
            kMaxDrawnTokens - 2, " words (one picture is drawn per word), got ", in.ids.size() - 2);
  return in;
}

void remove_word_pictures(const std::string& folder) {
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("word_", 0) == 0 && entry.path().extension() == ".png") std::filesystem::remove(entry.path());
  }
}

nlohmann::json alignment_json(const scan::PairAlignment& a, const PairInputs& in) {
  nlohmann::json j;
  j["caption"] = in.caption;
  j["score"] = a.score;
  j["words"] = a.words;
  j["word_relevance"] = a.word_relevance;
  j["region_relevance"] = a.region_relevance;
  nlohmann::json t2i = nlohmann::json::array(), i2t = nlohmann::json::array(), boxes = nlohmann::json::array();
  const auto row = [](const std::vector<double>& m, int64_t i, int64_t width) {
    return std::vector<double>(m.begin() + i * width, m.begin() + (i + 1) * width);
  };
  for (int64_t w = 0; w < a.num_words(); ++w) t2i.push_back(row(a.t2i, w, a.regions));
  for (int64_t r = 0; r < a.regions; ++r) i2t.push_back(row(a.i2t, r, a.num_words()));
  for (const scan::Box& b : in.boxes) boxes.push_back({b.x1, b.y1, b.x2, b.y2});
  j["text_to_image"] = t2i;  // [word][region]
  j["image_to_text"] = i2t;  // [region][word]
  j["boxes"] = boxes;
  j["image_size"] = {in.picture.width(), in.picture.height()};
  return j;
}

int draw_pair(const cxxopts::ParseResult& args, const scan::PreparedModel& prepared,
              const scan::SplitPictures* split) {
  const scan::Font font = font_flag(args);
  const PairInputs in = read_inputs(args, prepared, split);
  const scan::PairAlignment a = scan::align_pair(*prepared.model, in.features, in.ids, prepared.vocab);
  // Everything is drawn in memory first; only then is anything written.
  std::vector<std::pair<std::string, scan::Image>> pictures;
  pictures.emplace_back("sheet.png", scan::attention_contact_sheet(in.picture, in.boxes, a, in.caption, font));
  pictures.emplace_back("regions.png", scan::region_words_picture(in.picture, in.boxes, a, font));
  for (const int64_t j : scan::shown_words(a)) {
    char name[16];
    std::snprintf(name, sizeof name, "word_%02d_", static_cast<int>(j));
    pictures.emplace_back(name + file_safe(a.words[j]) + ".png",
                          scan::word_attention_picture(in.picture, in.boxes, a, j, font));
  }
  const std::string out = output_folder(args, "scan attend");
  remove_word_pictures(out);  // another caption's word_NN_*.png must not stay beside the new ones
  for (const auto& [name, picture] : pictures) scan::write_png(picture, (std::filesystem::path(out) / name).string());
  fw::write_file_atomically((std::filesystem::path(out) / "attention.json").string(),
                            alignment_json(a, in).dump(1) + "\n");
  std::cout << "caption: " << in.caption << "\nscore: " << a.score << "\nwrote " << pictures.size()
            << " pictures and attention.json to " << out << " (contact sheet: "
            << (std::filesystem::path(out) / "sheet.png").string() << ")\n";
  return 0;
}

int pointing_eval(const cxxopts::ParseResult& args, const scan::PreparedModel& prepared,
                  const scan::SplitPictures& split) {
  if (args.count("json")) {
    const std::filesystem::path folder = std::filesystem::path(args["json"].as<std::string>()).parent_path();
    fw::check(folder.empty() || std::filesystem::is_directory(folder), "--json", "the folder '", folder.string(),
              "' does not exist");
  }
  const scan::PointingTally tally = scan::split_pointing(prepared, split);
  fw::check(tally.words > 0, "--eval", "no caption word of the split names an annotated object of its image ('",
            split.objects_path(), "'), so there is nothing to point at");
  std::printf("pointing accuracy over %lld object words of %lld images: %.1f%% (a random region: %.1f%%)\n",
              static_cast<long long>(tally.words), static_cast<long long>(split.num_images()),
              100 * tally.accuracy(), 100 * tally.random_accuracy());
  if (args.count("json")) {
    const nlohmann::json j = {{"split", args["split"].as<std::string>()},
                              {"checkpoint", prepared.checkpoint},
                              {"words", tally.words},
                              {"hits", tally.hits},
                              {"accuracy", tally.accuracy()},
                              {"random_accuracy", tally.random_accuracy()},
                              {"iou_threshold", scan::kPointingIou}};
    fw::write_file_atomically(args["json"].as<std::string>(), j.dump(2) + "\n");
  }
  return 0;
}

}  // namespace

int run_attend_command(int argc, char** argv) {
  cxxopts::Options options("scan attend",
                           "Draws what a trained SCAN aligns in one image-caption pair: each word's attention over "
                           "the image's region boxes, and the words each salient region attends.\nWith --eval: the "
                           "pointing accuracy of the text-to-image attention over a split with object annotations.");
  add_model_and_data_options(options);
  options.add_options()
      ("index", "image of the split (its picture, boxes and features)", cxxopts::value<int64_t>()->default_value("0"))
      ("caption", "the caption to align (default: one of the image's own captions)", cxxopts::value<std::string>())
      ("caption_index", "which of the image's 5 captions, without --caption",
       cxxopts::value<int64_t>()->default_value("0"))
      ("image", "a picture file instead of the split's (JPEG, PNG, ...)", cxxopts::value<std::string>())
      ("boxes", "region boxes .npy [R, 4] or [N, R, 4] (x1 y1 x2 y2 pixels) instead of the split's",
       cxxopts::value<std::string>())
      ("features", "region features .npy [R, d] or [N, R, d] instead of the split's", cxxopts::value<std::string>())
      ("out", "folder for the pictures and attention.json", cxxopts::value<std::string>())
      ("eval", "measure pointing accuracy over the split instead of drawing")
      ("json", "with --eval: also write the result to this JSON file", cxxopts::value<std::string>());
  const auto parsed = parse_arguments(options, argc, argv);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  const std::string checkpoint = model_flag(args, "scan attend");
  const scan::DataLocation where = data_location(args);
  const bool own_files = args.count("image") && args.count("boxes") && args.count("features");
  const std::string split_name = args["split"].as<std::string>();
  const scan::PreparedModel prepared =
      scan::prepare_model(checkpoint, "--model", where, own_files && !args.count("eval") ? "" : split_name);
  if (args.count("eval")) {
    const scan::SplitPictures split(prepared, split_name);
    return pointing_eval(args, prepared, split);
  }
  if (own_files) {
    fw::check(args.count("caption") > 0, "--caption", "with --image, --boxes and --features, give the caption");
    return draw_pair(args, prepared, nullptr);
  }
  const scan::SplitPictures split(prepared, split_name);
  return draw_pair(args, prepared, &split);
}

}  // namespace scan_tool
