#pragma once
// Writes the report page of a trained SCAN on a split (html_report.h) into a folder: the recall
// of the full evaluation, pointing accuracy when the split has boxes and object annotations, and
// `queries` captions spread over the split, each with its top `k` images (retrieval_picture.h) and
// the attention pictures of the caption on its own image (attention_pictures.h) when the split has
// pictures and boxes. An index.html already in the folder is removed first, the PNGs are written
// next and the new index.html last, each atomically: a page that exists is complete.
//   ReportRequest r;  r.checkpoint = "runs/demo/checkpoint/model_best.safetensors";  r.out = "runs/demo/report";
//   ReportSummary s = write_report(r, font, &std::cerr);   // s.index: the path of index.html
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "models/scan/eval/prepared_model.h"
#include "models/scan/eval/recall.h"
#include "models/scan/visual/pointing.h"
#include "models/scan/visual/text.h"

namespace scan {

inline constexpr int64_t kMaxReportImages = 64, kMaxReportQueries = 100;

struct ReportRequest {
  std::string checkpoint;
  DataLocation where;
  std::string split = "test";
  std::string out;
  int64_t queries = 4, k = 8;  // at most kMaxReportQueries and kMaxReportImages
  std::string cache;  // "" = default_encoding_cache(checkpoint, split)
};

struct ReportSummary {
  std::string index;  // absolute path of index.html
  RetrievalMetrics metrics;
  int64_t images = 0;
  std::optional<PointingTally> pointing;
};

// `log` hears about the encoding cache (may be null).
ReportSummary write_report(const ReportRequest& request, const Font& font, std::ostream* log);

}  // namespace scan
