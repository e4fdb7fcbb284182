#include <doctest/doctest.h>

#include "models/scan/eval/recall.h"
#include "tests/models/scan/eval/eval_fixtures.h"

using scan::RecallMetrics;

TEST_CASE("recall_metrics: R@K counts ranks strictly below K, as percentages") {
  // Ranks 0, 4, 5, 9, 10: R@1 = 1/5, R@5 = 2/5 (rank 5 misses), R@10 = 4/5 (rank 10 misses).
  const RecallMetrics m = scan::recall_metrics({0, 4, 5, 9, 10});
  CHECK(m.r1 == 20.0);
  CHECK(m.r5 == 40.0);
  CHECK(m.r10 == 80.0);
  CHECK(m.medr == 6.0);                    // median 5, + 1
  CHECK(m.meanr == doctest::Approx(6.6));  // mean 28 / 5 = 5.6, + 1
  CHECK(m.average_recall() == doctest::Approx(140.0 / 3));
}

TEST_CASE("recall_metrics: medr is floor(median) + 1 for odd and even counts") {
  CHECK(scan::recall_metrics({3, 0, 1}).medr == 2.0);      // odd: sorted 0 1 3, median 1
  CHECK(scan::recall_metrics({7}).medr == 8.0);            // a single query
  CHECK(scan::recall_metrics({0, 5, 1, 2}).medr == 2.0);   // even: (1 + 2) / 2 = 1.5 -> 1
  CHECK(scan::recall_metrics({2, 4}).medr == 4.0);         // even: (2 + 4) / 2 = 3
  CHECK(scan::recall_metrics({9, 0, 9, 0}).medr == 5.0);   // even: (0 + 9) / 2 = 4.5 -> 4
  CHECK(scan::recall_metrics({3, 0, 1}).meanr == doctest::Approx(7.0 / 3));  // 4 / 3 + 1
}

TEST_CASE("recall_metrics rejects no ranks and negative ranks") {
  CHECK_THROWS_WITH_AS(scan::recall_metrics({}), "recall_metrics: expected at least one rank, got none", fw::Error);
  CHECK_THROWS_WITH_AS(scan::recall_metrics({0, -1}), "recall_metrics: ranks are 0-based positions, got -1",
                       fw::Error);
}

TEST_CASE("evaluate_retrieval: both directions and rsum / ar / ari of the hand-computed matrix") {
  const scan::RetrievalResult r = scan::evaluate_retrieval(scan::testing::hand_sims<float>());
  CHECK(r.i2t.ranks == std::vector<int64_t>{1, 5});
  CHECK(r.t2i.ranks.size() == 10);
  const scan::RetrievalMetrics& m = r.metrics;
  CHECK(m.i2t.r1 == 0.0);
  CHECK(m.i2t.r5 == 50.0);
  CHECK(m.i2t.r10 == 100.0);
  CHECK(m.i2t.medr == 4.0);
  CHECK(m.i2t.meanr == 4.0);
  CHECK(m.t2i.r1 == 10.0);
  CHECK(m.t2i.r5 == 100.0);
  CHECK(m.t2i.r10 == 100.0);
  CHECK(m.t2i.medr == 2.0);
  CHECK(m.t2i.meanr == doctest::Approx(1.9));
  CHECK(m.rsum() == 360.0);
  CHECK(m.ar() == 50.0);
  CHECK(m.ari() == 70.0);
}
