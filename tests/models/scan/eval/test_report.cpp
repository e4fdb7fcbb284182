#include <doctest/doctest.h>

#include "models/scan/eval/report.h"
#include "tests/models/scan/eval/eval_fixtures.h"

TEST_CASE("format_report (full): the original's five lines with the hand-computed values") {
  const scan::Evaluation e = scan::evaluate_full(scan::testing::hand_sims<float>());
  CHECK(scan::format_report(e) ==
        "rsum: 360.0\n"
        "Average i2t Recall: 50.0\n"
        "Image to text: 0.0 50.0 100.0 4.0 4.0\n"
        "Average t2i Recall: 70.0\n"
        "Text to image: 10.0 100.0 100.0 2.0 1.9\n");
}

TEST_CASE("format_report (fold5): per-fold lines, then the correct means (not the original's mislabelled ones)") {
  const scan::Evaluation e = scan::evaluate_fold5(scan::testing::fold_sims(), scan::FoldOptions{5, 2});
  const std::string perfect =
      "Image to text: 100.0, 100.0, 100.0, 1.0, 1.0\n"
      "Text to image: 100.0, 100.0, 100.0, 1.0, 1.0\n"
      "rsum: 600.0 ar: 100.0 ari: 100.0\n";
  const std::string worst =
      "Image to text: 0.0, 0.0, 100.0, 6.0, 6.0\n"
      "Text to image: 0.0, 100.0, 100.0, 2.0, 2.0\n"
      "rsum: 300.0 ar: 33.3 ari: 66.7\n";
  // The original would print "rsum: 360.0" (6 * mean ar), "Average i2t Recall: 80.0" (mean ari)
  // and "Average t2i Recall: 420.0" (mean rsum).
  CHECK(scan::format_report(e) == perfect + perfect + worst + worst + worst +
                                      "-----------------------------------\n"
                                      "Mean metrics:\n"
                                      "rsum: 420.0\n"
                                      "Average i2t Recall: 60.0\n"
                                      "Image to text: 40.0 40.0 100.0 4.0 4.0\n"
                                      "Average t2i Recall: 80.0\n"
                                      "Text to image: 40.0 100.0 100.0 1.6 1.6\n");
}

TEST_CASE("report_json: every metric, and per-fold arrays for fold5") {
  const nlohmann::json full = scan::report_json(scan::evaluate_full(scan::testing::hand_sims<double>()));
  CHECK(full["protocol"] == "full");
  CHECK(full["n_images"] == 2);
  CHECK(full["n_captions"] == 10);
  CHECK(full["i2t_r1"] == 0.0);
  CHECK(full["i2t_r5"] == 50.0);
  CHECK(full["i2t_r10"] == 100.0);
  CHECK(full["i2t_medr"] == 4.0);
  CHECK(full["i2t_meanr"] == 4.0);
  CHECK(full["t2i_r1"] == 10.0);
  CHECK(full["t2i_r5"] == 100.0);
  CHECK(full["t2i_r10"] == 100.0);
  CHECK(full["t2i_medr"] == 2.0);
  CHECK(full["t2i_meanr"].get<double>() == doctest::Approx(1.9));
  CHECK(full["rsum"] == 360.0);
  CHECK(full["ar"] == 50.0);
  CHECK(full["ari"] == 70.0);
  CHECK_FALSE(full.contains("folds"));
  CHECK(full.size() == 16);  // protocol, n_images, n_captions and the 13 metrics

  const nlohmann::json fold5 = scan::report_json(scan::evaluate_fold5(scan::testing::fold_sims(), {5, 2}));
  CHECK(fold5["protocol"] == "fold5");
  CHECK(fold5["n_folds"] == 5);
  CHECK(fold5["n_images"] == 10);
  CHECK(fold5["rsum"].get<double>() == doctest::Approx(420.0));
  CHECK(fold5["t2i_medr"].get<double>() == doctest::Approx(1.6));
  const nlohmann::json& folds = fold5["folds"];
  CHECK(folds.size() == 13);
  CHECK(folds["rsum"] == nlohmann::json({600.0, 600.0, 300.0, 300.0, 300.0}));
  CHECK(folds["i2t_medr"] == nlohmann::json({1.0, 1.0, 6.0, 6.0, 6.0}));
  CHECK(folds["t2i_r1"] == nlohmann::json({100.0, 100.0, 0.0, 0.0, 0.0}));
  CHECK(folds["ari"][2].get<double>() == doctest::Approx(200.0 / 3));
}
