// `scan report`: a static HTML page of what a trained SCAN does on a split
// (models/scan/visual/html_report.h): its recall table, its pointing accuracy when the split has
// object annotations, and a few query captions with their top images and attention pictures.
//   scan report --model runs/demo/checkpoint/model_best.safetensors --split test --out runs/demo/report
// The pictures are written first, index.html last: a page that exists is complete.
#include <algorithm>
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "models/scan/eval/encoding_cache.h"
#include "models/scan/eval/protocols.h"
#include "models/scan/eval/query.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/visual/alignment.h"
#include "models/scan/visual/attention_pictures.h"
#include "models/scan/visual/html_report.h"
#include "models/scan/visual/retrieval_picture.h"
#include "models/scan/visual/split_pictures.h"
#include "tools/scan/commands.h"
#include "tools/scan/picture_flags.h"

namespace scan_tool {

namespace {

std::vector<int64_t> caption_ids(const scan::PreparedModel& prepared, int64_t item) {
  const auto ids = prepared.data->caption(item);
  return {ids.begin(), ids.end()};
}

std::string caption_text(const scan::PreparedModel& prepared, const std::vector<int64_t>& ids) {
  std::string text;
  for (size_t j = 1; j + 1 < ids.size(); ++j) text += (j > 1 ? " " : "") + prepared.vocab.word(ids[j]);
  return text;
}

scan::PointingTally pointing(const scan::PreparedModel& prepared, const scan::SplitPictures& split) {
  scan::PointingTally tally;
  const auto& objects = split.objects();
  for (int64_t k = 0; k < split.num_images(); ++k) {
    const std::vector<scan::Box> boxes = split.boxes(k);
    const fw::Tensor features = split.features(k);
    for (int64_t c = 0; c < scan::kCaptionsPerImage; ++c) {
      const std::vector<int64_t> ids = caption_ids(prepared, k * scan::kCaptionsPerImage + c);
      if (std::all_of(ids.begin() + 1, ids.end() - 1, [](int64_t id) { return id == scan::Vocabulary::kUnk; }))
        continue;
      scan::add_pointing(scan::align_pair(*prepared.model, features, ids, prepared.vocab), boxes, objects[k],
                         tally);
    }
  }
  return tally;
}

}  // namespace

int run_report_command(int argc, char** argv) {
  cxxopts::Options options("scan report",
                           "Writes a static HTML page (index.html and PNGs in --out) of a trained SCAN on a split: "
                           "recall, pointing accuracy, and a few queries with their top images and attention.");
  add_model_and_data_options(options);
  options.add_options()
      ("out", "folder for index.html and its pictures", cxxopts::value<std::string>())
      ("queries", "how many query captions to show", cxxopts::value<int64_t>()->default_value("4"))
      ("k", "top images per query", cxxopts::value<int64_t>()->default_value("8"))
      ("cache", "the encoding cache file (default: <checkpoint>.<split>.encoding.safetensors)",
       cxxopts::value<std::string>());
  const auto parsed = parse_arguments(options, argc, argv);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  const std::string checkpoint = model_flag(args, "scan report");
  const int64_t n_queries = args["queries"].as<int64_t>(), k = args["k"].as<int64_t>();
  fw::check(n_queries >= 0, "--queries", "expected a count >= 0, got ", n_queries);
  fw::check(k >= 1, "--k", "expected at least 1 image per query, got ", k);
  const std::string split_name = args["split"].as<std::string>();
  const scan::PreparedModel prepared = scan::prepare_model(checkpoint, "--model", data_location(args), split_name);
  const scan::SplitPictures split(prepared, split_name);
  const bool drawable = split.has_images() && split.has_boxes();
  const scan::Font font = font_flag(args);
  const std::string out = output_folder(args, "scan report");
  const auto file_in_out = [&](const std::string& name) { return (std::filesystem::path(out) / name).string(); };

  const std::string cache =
      args.count("cache") ? args["cache"].as<std::string>() : scan::default_encoding_cache(checkpoint, split_name);
  const scan::Embeddings embeddings = scan::cached_encoding(prepared, cache, &std::cerr);
  const scan::Evaluation evaluation = scan::evaluate_full(scan::compute_sims(*prepared.model, embeddings));

  scan::ReportPage page;
  page.title = "SCAN on " + prepared.opt.data_name + " / " + split_name;
  page.facts = {{"checkpoint", checkpoint},
                {"data", prepared.split_path},
                {"model", prepared.opt.cross_attn + ", " + prepared.opt.raw_feature_norm + ", " + prepared.opt.agg_func + ", embed " +
                              std::to_string(prepared.opt.embed_size)}};
  if (!drawable)
    page.facts.emplace_back("pictures", "none drawn: the split lacks '" + split.images_path() + "' or '" +
                                            split.boxes_path() + "'");
  page.metrics = evaluation.metrics;
  page.images = evaluation.n_images;
  page.captions = evaluation.n_captions;
  if (split.has_boxes() && split.has_objects()) page.pointing = pointing(prepared, split);

  const int64_t n_images = split.num_images();
  for (int64_t q = 0; q < std::min(n_queries, n_images); ++q) {
    const int64_t image = q * n_images / std::max<int64_t>(n_queries, 1);  // spread over the split
    const std::vector<int64_t> ids = caption_ids(prepared, image * scan::kCaptionsPerImage + q % 5);
    scan::ReportQuery query;
    query.caption = caption_text(prepared, ids);
    query.true_image = image;
    const std::vector<double> scores = scan::score_caption(*prepared.model, embeddings, ids);
    const std::vector<int64_t> order = scan::ranked(scores, static_cast<int64_t>(scores.size()));
    query.true_rank = std::find(order.begin(), order.end(), image) - order.begin() + 1;
    if (drawable) {
      std::vector<scan::RetrievedImage> results;
      for (int64_t r = 0; r < std::min<int64_t>(k, n_images); ++r)
        results.push_back({split.image(order[r]), order[r], scores[order[r]], order[r] == image});
      const std::string prefix = "query_" + std::to_string(q + 1);
      query.results_png = prefix + "_top.png";
      scan::write_png(scan::retrieval_grid(query.caption, results, font), file_in_out(query.results_png));
      const scan::Image picture = split.image(image);
      const std::vector<scan::Box> boxes = split.boxes(image, picture);
      const scan::PairAlignment a = scan::align_pair(*prepared.model, split.features(image), ids, prepared.vocab);
      query.sheet_png = prefix + "_attention.png";
      scan::write_png(scan::attention_contact_sheet(picture, boxes, a, query.caption, font),
                      file_in_out(query.sheet_png));
      query.regions_png = prefix + "_regions.png";
      scan::write_png(scan::region_words_picture(picture, boxes, a, font), file_in_out(query.regions_png));
    }
    page.queries.push_back(query);
  }
  const std::string index = file_in_out("index.html");
  fw::write_file_atomically(index, scan::render_report_html(page));
  std::printf("rsum %.1f on %lld images", evaluation.metrics.rsum(), static_cast<long long>(evaluation.n_images));
  if (page.pointing)
    std::printf(", pointing accuracy %.1f%% (a random region: %.1f%%)", 100 * page.pointing->accuracy(),
                100 * page.pointing->random_accuracy());
  std::printf("\nreport: %s\n", std::filesystem::absolute(index).string().c_str());
  return 0;
}

}  // namespace scan_tool
