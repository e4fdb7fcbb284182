#include <doctest/doctest.h>

#include "models/scan/eval/protocols.h"
#include "tests/models/scan/eval/eval_fixtures.h"

using fw::Tensor;
using scan::FoldOptions;

namespace {
const FoldOptions kFiveFoldsOfTwo{5, 2};
}

TEST_CASE("evaluate_full: one run over the whole matrix") {
  const scan::Evaluation e = scan::evaluate_full(scan::testing::hand_sims<double>());
  CHECK(e.protocol == scan::Protocol::Full);
  CHECK(e.n_images == 2);
  CHECK(e.n_captions == 10);
  REQUIRE(e.runs.size() == 1);
  CHECK(e.runs[0].i2t.ranks == std::vector<int64_t>{1, 5});
  CHECK(e.metrics.rsum() == 360.0);
  CHECK(e.metrics.i2t.medr == 4.0);
  CHECK(e.metrics.t2i.meanr == doctest::Approx(1.9));
}

TEST_CASE("fold_rows: fold f takes images n f .. n f + n - 1 and captions 5 n f .. 5 n f + 5 n - 1") {
  const scan::FoldRows rows = scan::fold_rows(2);
  CHECK(rows.image_begin == 2000);
  CHECK(rows.image_count == 1000);
  CHECK(rows.caption_begin == 10000);
  CHECK(rows.caption_count == 5000);
  const scan::FoldRows small = scan::fold_rows(4, kFiveFoldsOfTwo);
  CHECK(small.image_begin == 8);
  CHECK(small.caption_begin == 40);
  CHECK(small.caption_count == 10);
  CHECK_THROWS_WITH_AS(scan::fold_rows(5), "fold5: fold 5 is out of range [0, 5)", fw::Error);
}

TEST_CASE("evaluate_fold5: per-fold metrics on the diagonal blocks and the mean of every metric") {
  const scan::Evaluation e = scan::evaluate_fold5(scan::testing::fold_sims(), kFiveFoldsOfTwo);
  CHECK(e.protocol == scan::Protocol::Fold5);
  CHECK(e.n_images == 10);
  CHECK(e.n_captions == 50);
  REQUIRE(e.runs.size() == 5);
  // Folds 0, 1 perfect; 2..4 worst (see eval_fixtures.h). The 100s outside the blocks are ignored.
  for (int f = 0; f < 5; ++f) {
    CAPTURE(f);
    const bool perfect = f < 2;
    CHECK(e.runs[f].i2t.ranks == std::vector<int64_t>(2, perfect ? 0 : 5));
    CHECK(e.runs[f].t2i.ranks == std::vector<int64_t>(10, perfect ? 0 : 1));
    CHECK(e.runs[f].metrics.rsum() == (perfect ? 600.0 : 300.0));
  }
  const scan::RetrievalMetrics& m = e.metrics;
  CHECK(m.i2t.r1 == 40.0);
  CHECK(m.i2t.r5 == 40.0);
  CHECK(m.i2t.r10 == 100.0);
  CHECK(m.i2t.medr == 4.0);   // (1 + 1 + 6 + 6 + 6) / 5
  CHECK(m.i2t.meanr == 4.0);
  CHECK(m.t2i.r1 == 40.0);
  CHECK(m.t2i.r5 == 100.0);
  CHECK(m.t2i.r10 == 100.0);
  CHECK(m.t2i.medr == doctest::Approx(1.6));  // (1 + 1 + 2 + 2 + 2) / 5
  CHECK(m.t2i.meanr == doctest::Approx(1.6));
  // rsum = mean of the per-fold rsums (2 * 600 + 3 * 300) / 5, not the original's 6 * mean(ar) = 360.
  CHECK(m.rsum() == doctest::Approx(420.0));
  CHECK(m.ar() == doctest::Approx(60.0));
  CHECK(m.ari() == doctest::Approx(80.0));
}

TEST_CASE("evaluate_fold5_blocks: per-fold matrices give the same evaluation as the full matrix") {
  const Tensor full = scan::testing::fold_sims();
  std::vector<Tensor> blocks;
  for (int64_t f = 0; f < 5; ++f) blocks.push_back(full.narrow(0, 2 * f, 2).narrow(1, 10 * f, 10).contiguous());
  const scan::Evaluation from_blocks = scan::evaluate_fold5_blocks(blocks, kFiveFoldsOfTwo);
  const scan::Evaluation from_full = scan::evaluate_fold5(full, kFiveFoldsOfTwo);
  CHECK(from_blocks.n_images == 10);
  CHECK(from_blocks.metrics.rsum() == from_full.metrics.rsum());
  CHECK(from_blocks.metrics.t2i.medr == from_full.metrics.t2i.medr);
  for (int f = 0; f < 5; ++f) CHECK(from_blocks.runs[f].t2i.ranks == from_full.runs[f].t2i.ranks);
}

TEST_CASE("fold5 errors say how many images are needed and what was found") {
  CHECK_THROWS_WITH_AS(scan::check_fold5_images(1000),
                       "fold5: needs 5,000 images (5 folds of 1,000); got 1,000 — use --split testall", fw::Error);
  CHECK_NOTHROW(scan::check_fold5_images(5000));
  CHECK_THROWS_WITH_AS(scan::evaluate_fold5(scan::testing::hand_sims<float>(), kFiveFoldsOfTwo),
                       "fold5: needs 10 images (5 folds of 2); got 2 — use --split testall", fw::Error);
  CHECK_THROWS_WITH_AS(scan::evaluate_fold5(Tensor::zeros({10, 49}), kFiveFoldsOfTwo),
                       doctest::Contains("fold5: expected sims of shape [n_images, 5 * n_images]"), fw::Error);
  CHECK_THROWS_WITH_AS(scan::evaluate_fold5_blocks({Tensor::zeros({2, 10})}, kFiveFoldsOfTwo),
                       "fold5: expected 5 fold sims, got 1", fw::Error);
  const Tensor block = Tensor::zeros({2, 10});
  CHECK_THROWS_WITH_AS(scan::evaluate_fold5_blocks({block, block, Tensor::zeros({3, 15}), block, block},
                                                   kFiveFoldsOfTwo),
                       "fold5: fold 2 sims is [3, 15], expected [2, 10]", fw::Error);
  CHECK_THROWS_WITH_AS(scan::check_fold5_images(10, FoldOptions{0, 2}),
                       "fold5: expected at least one fold of at least one image, got 0 folds of 2", fw::Error);
  CHECK_THROWS_WITH_AS(scan::mean_metrics({}), "mean_metrics: expected at least one run, got none", fw::Error);
}
