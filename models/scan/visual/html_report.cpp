#include "models/scan/visual/html_report.h"

#include <cstdio>
#include <sstream>

namespace scan {

namespace {

std::string fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

void recall_row(std::ostringstream& html, const char* direction, const RecallMetrics& m) {
  html << "<tr><th>" << direction << "</th><td>" << fixed(m.r1, 1) << "</td><td>" << fixed(m.r5, 1) << "</td><td>"
       << fixed(m.r10, 1) << "</td><td>" << fixed(m.medr, 1) << "</td><td>" << fixed(m.meanr, 1) << "</td></tr>\n";
}

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 24px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } th, td { padding: 4px 12px; text-align: right; border-bottom: 1px solid #eee; }
th:first-child { text-align: left; } .muted { color: #666; } img { max-width: 100%; border: 1px solid #eee; }
.query { margin-bottom: 2.5em; } dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dt { color: #666; } dd { margin: 0; }
)";

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_report_html(const ReportPage& page) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(page.title)
       << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  html << "<h1>" << html_escape(page.title) << "</h1>\n<dl>\n";
  for (const auto& [name, value] : page.facts)
    html << "<dt>" << html_escape(name) << "</dt><dd>" << html_escape(value) << "</dd>\n";
  html << "</dl>\n";

  html << "<h2 id=\"recall\">Retrieval</h2>\n<p class=\"muted\">" << page.images << " images, " << page.captions
       << " captions: recall at K in percent, median and mean rank of the first true match.</p>\n"
       << "<table>\n<tr><th></th><th>R@1</th><th>R@5</th><th>R@10</th><th>medr</th><th>meanr</th></tr>\n";
  recall_row(html, "image to text", page.metrics.i2t);
  recall_row(html, "text to image", page.metrics.t2i);
  html << "<tr><th>rsum</th><td colspan=\"5\">" << fixed(page.metrics.rsum(), 1) << "</td></tr>\n</table>\n";

  if (page.pointing) {
    const PointingTally& p = *page.pointing;
    html << "<h2 id=\"pointing\">Pointing accuracy</h2>\n<p>For each caption word that names an annotated object, "
            "is the region it attends most the object's box (IoU &ge; 0.5)?</p>\n<table>\n"
         << "<tr><th></th><th>accuracy</th><th>words</th></tr>\n"
         << "<tr><th>SCAN, text-to-image attention</th><td>" << fixed(100 * p.accuracy(), 1) << "%</td><td>"
         << p.words << "</td></tr>\n<tr><th>a random region</th><td>" << fixed(100 * p.random_accuracy(), 1)
         << "%</td><td>" << p.words << "</td></tr>\n</table>\n";
  }

  html << "<h2 id=\"queries\">Queries</h2>\n";
  for (size_t q = 0; q < page.queries.size(); ++q) {
    const ReportQuery& query = page.queries[q];
    html << "<div class=\"query\" id=\"query-" << q + 1 << "\">\n<h3>&ldquo;" << html_escape(query.caption)
         << "&rdquo;</h3>\n<p class=\"muted\">caption of image " << query.true_image << ", ranked "
         << query.true_rank << " among the images</p>\n";
    if (!query.results_png.empty())
      html << "<p><img src=\"" << html_escape(query.results_png) << "\" alt=\"top images for the caption\"></p>\n";
    if (!query.sheet_png.empty())
      html << "<p><img src=\"" << html_escape(query.sheet_png)
           << "\" alt=\"each word's attention on the true image\"></p>\n";
    if (!query.regions_png.empty())
      html << "<p><img src=\"" << html_escape(query.regions_png)
           << "\" alt=\"the most relevant regions and their words\"></p>\n";
    html << "</div>\n";
  }
  html << "</body>\n</html>\n";
  return html.str();
}

}  // namespace scan
