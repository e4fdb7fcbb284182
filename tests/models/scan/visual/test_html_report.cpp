// The report page: its sections, escaping, and pictures only where there are any.
#include <doctest/doctest.h>

#include <string>

#include "models/scan/visual/html_report.h"

TEST_CASE("html_escape replaces the five characters HTML gives meaning to") {
  CHECK(scan::html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(scan::html_escape("plain") == "plain");
}

TEST_CASE("render_report_html: recall table, optional pointing section, each query's pictures, escaped text") {
  scan::ReportPage page;
  page.title = "SCAN on <test>";
  page.facts = {{"checkpoint", "runs/x.safetensors"}};
  page.metrics.i2t = {50, 80, 90, 2, 3.5};
  page.metrics.t2i = {40, 70, 85, 2, 4.25};
  page.images = 100;
  page.captions = 500;
  scan::ReportQuery query;
  query.caption = "a red <circle>";
  query.true_image = 7;
  query.true_rank = 2;
  query.results_png = "query_1_top.png";
  query.sheet_png = "query_1_attention.png";
  page.queries.push_back(query);
  std::string html = scan::render_report_html(page);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<title>SCAN on &lt;test&gt;</title>") != std::string::npos);
  CHECK(html.find("<tr><th>image to text</th><td>50.0</td><td>80.0</td><td>90.0</td><td>2.0</td><td>3.5</td></tr>") !=
        std::string::npos);
  CHECK(html.find("<td colspan=\"5\">415.0</td>") != std::string::npos);  // rsum
  CHECK(html.find("a red &lt;circle&gt;") != std::string::npos);
  CHECK(html.find("<img src=\"query_1_top.png\"") != std::string::npos);
  CHECK(html.find("<img src=\"query_1_attention.png\"") != std::string::npos);
  CHECK(html.find("id=\"pointing\"") == std::string::npos);  // no annotations, no section
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("ranked 2 among the images") != std::string::npos);

  scan::PointingTally tally;
  tally.words = 10;
  tally.hits = 7;
  tally.random_hits = 1.5;
  page.pointing = tally;
  html = scan::render_report_html(page);
  CHECK(html.find("id=\"pointing\"") != std::string::npos);
  CHECK(html.find("<td>70.0%</td>") != std::string::npos);
  CHECK(html.find("<td>15.0%</td>") != std::string::npos);
}
