#pragma once
// The page `scan report` writes: one static index.html (no script, no server; the PNGs beside it),
// with the recall table of the split, pointing accuracy when the split has object annotations,
// and for each chosen query caption its top images and the attention contact sheet of the pair
// (query, true image).
//   ReportPage page;  page.title = "SCAN on pictures_precomp/test";  ...
//   fw::write_file_atomically("report/index.html", render_report_html(page));
#include <optional>
#include <string>
#include <vector>

#include "models/scan/eval/recall.h"
#include "models/scan/visual/pointing.h"

namespace scan {

struct ReportQuery {
  std::string caption;
  int64_t true_image = 0;
  int64_t true_rank = 0;             // 1-based rank of the true image for this caption
  std::string results_png;           // file names relative to index.html
  std::string sheet_png;
  std::string regions_png;
};

struct ReportPage {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;  // ("checkpoint", "runs/demo/..."), shown in a list
  RetrievalMetrics metrics;
  int64_t images = 0, captions = 0;
  std::optional<PointingTally> pointing;
  std::vector<ReportQuery> queries;
};

// &, <, >, " and ' as entities.
std::string html_escape(const std::string& text);

std::string render_report_html(const ReportPage& page);

}  // namespace scan
