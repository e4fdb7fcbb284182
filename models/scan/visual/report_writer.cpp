#include "models/scan/visual/report_writer.h"

#include <algorithm>
#include <filesystem>

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
#include "models/scan/visual/split_pointing.h"

namespace scan {

namespace {

std::string model_summary(const ScanOptions& opt) {
  return opt.cross_attn + ", " + opt.raw_feature_norm + ", " + opt.agg_func + ", embed " +
         std::to_string(opt.embed_size);
}

// Query q's caption: one of the captions of an image spread evenly over the split.
int64_t query_item(int64_t q, int64_t queries, int64_t images) {
  const int64_t image = q * images / std::max<int64_t>(queries, 1);
  return image * kCaptionsPerImage + q % kCaptionsPerImage;
}

}  // namespace

ReportSummary write_report(const ReportRequest& request, const Font& font, std::ostream* log) {
  fw::check(request.queries >= 0, "--queries", "expected a count >= 0, got ", request.queries);
  fw::check(request.k >= 1 && request.k <= kMaxReportImages, "--k", "expected 1 to ", kMaxReportImages,
            " images per query, got ", request.k);
  fw::check(request.queries <= kMaxReportQueries, "--queries", "expected at most ", kMaxReportQueries,
            " queries, got ", request.queries);
  fw::check(!request.out.empty(), "--out", "an output folder is required");
  const PreparedModel prepared = prepare_model(request.checkpoint, "--model", request.where, request.split);
  const SplitPictures split(prepared, request.split);
  const bool drawable = split.has_images() && split.has_boxes();
  std::filesystem::create_directories(request.out);
  // An old page goes first: until the new one is written, the folder holds no page at all rather
  // than an old page over new pictures.
  std::filesystem::remove(std::filesystem::path(request.out) / "index.html");
  const auto file_in_out = [&](const std::string& name) {
    return (std::filesystem::path(request.out) / name).string();
  };

  const std::string cache =
      request.cache.empty() ? default_encoding_cache(request.checkpoint, request.split) : request.cache;
  const Embeddings embeddings = cached_encoding(prepared, cache, log);
  const Evaluation evaluation = evaluate_full(compute_sims(*prepared.model, embeddings));

  ReportPage page;
  page.title = "SCAN on " + prepared.opt.data_name + " / " + request.split;
  page.facts = {{"checkpoint", request.checkpoint}, {"data", prepared.split_path},
                {"model", model_summary(prepared.opt)}};
  if (!drawable)
    page.facts.emplace_back("pictures", "none drawn: the split lacks '" + split.images_path() + "' or '" +
                                            split.boxes_path() + "'");
  page.metrics = evaluation.metrics;
  page.images = evaluation.n_images;
  page.captions = evaluation.n_captions;
  if (split.has_boxes() && split.has_objects()) page.pointing = split_pointing(prepared, split);

  const int64_t images = split.num_images(), queries = std::min(request.queries, images);
  for (int64_t q = 0; q < queries; ++q) {
    const int64_t item = query_item(q, queries, images), image = item / kCaptionsPerImage;
    const auto span = prepared.data->caption(item);
    const std::vector<int64_t> ids(span.begin(), span.end());
    if (std::all_of(ids.begin() + 1, ids.end() - 1, [](int64_t id) { return id == Vocabulary::kUnk; })) continue;
    ReportQuery query;
    query.caption = prepared.vocab.decode(ids);
    query.true_image = image;
    const std::vector<double> scores = score_caption(*prepared.model, embeddings, ids);
    const std::vector<int64_t> order = ranked(scores, static_cast<int64_t>(scores.size()));
    query.true_rank = std::find(order.begin(), order.end(), image) - order.begin() + 1;
    if (drawable) {
      std::vector<RetrievedImage> results;
      for (int64_t r = 0; r < std::min(request.k, images); ++r)
        results.push_back({split.image(order[r]), order[r], scores[order[r]], order[r] == image});
      const std::string prefix = "query_" + std::to_string(q + 1);
      query.results_png = prefix + "_top.png";
      write_png(retrieval_grid(query.caption, results, font), file_in_out(query.results_png));
      const Image picture = split.image(image);
      const std::vector<Box> boxes = split.boxes(image, picture);
      const PairAlignment a = align_pair(*prepared.model, split.features(image), ids, prepared.vocab);
      query.sheet_png = prefix + "_attention.png";
      write_png(attention_contact_sheet(picture, boxes, a, query.caption, font), file_in_out(query.sheet_png));
      query.regions_png = prefix + "_regions.png";
      write_png(region_words_picture(picture, boxes, a, font), file_in_out(query.regions_png));
    }
    page.queries.push_back(query);
  }
  ReportSummary summary;
  summary.index = std::filesystem::absolute(file_in_out("index.html")).string();
  fw::write_file_atomically(summary.index, render_report_html(page));
  summary.metrics = evaluation.metrics;
  summary.images = evaluation.n_images;
  summary.pointing = page.pointing;
  return summary;
}

}  // namespace scan
