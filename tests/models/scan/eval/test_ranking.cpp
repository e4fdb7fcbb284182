#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

#include "framework/core/parallel.h"
#include "models/scan/eval/ranking.h"
#include "tests/models/scan/eval/eval_fixtures.h"

using fw::Tensor;
using scan::Ranking;
using V = std::vector<int64_t>;

TEST_CASE("rank_i2t / rank_t2i: hand-computed ranks and top-1 of a 2 x 10 matrix") {
  for (const Tensor& sims : {scan::testing::hand_sims<float>(), scan::testing::hand_sims<double>()}) {
    CAPTURE(fw::dtype_name(sims.dtype()));
    const Ranking i2t = scan::rank_i2t(sims);
    CHECK(i2t.ranks == V{1, 5});
    CHECK(i2t.top1 == V{5, 0});
    const Ranking t2i = scan::rank_t2i(sims);
    CHECK(t2i.ranks == V{1, 0, 1, 1, 1, 1, 1, 1, 1, 1});
    CHECK(t2i.top1 == V{1, 0, 1, 1, 1, 0, 0, 0, 0, 0});
  }
}

TEST_CASE("rank_i2t: the rank is the best of the image's five captions") {
  // Image 0's captions sit at positions 9, 7, 3, 8, 6 of its row's order (the other image's
  // captions fill 0..2 and 4..5): the best, 3, is the rank. Image 1's row puts caption 9 first.
  const Tensor sims = Tensor::from_vector<double>({0.0, 0.2, 0.6, 0.1, 0.3,  0.9, 0.8, 0.7, 0.5, 0.4,   //
                                                   0.0, 0.0, 0.0, 0.0, 0.0,  0.1, 0.2, 0.3, 0.4, 0.95},
                                                  {2, 10});
  const Ranking i2t = scan::rank_i2t(sims);
  CHECK(i2t.ranks == V{3, 0});
  CHECK(i2t.top1 == V{5, 9});
}

TEST_CASE("ranking ties: equal scores are ordered by index (a stable descending sort)") {
  // All scores equal: the order is 0, 1, 2, ... in both directions.
  const Tensor flat = Tensor::full({2, 10}, 0.5);
  // i2t: image 0's caption 0 is first; image 1's captions 5..9 come after captions 0..4.
  CHECK(scan::rank_i2t(flat).ranks == V{0, 5});
  CHECK(scan::rank_i2t(flat).top1 == V{0, 0});
  // t2i: image 0 is first in every column, so captions of image 1 rank 1.
  CHECK(scan::rank_t2i(flat).ranks == V{0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
  CHECK(scan::rank_t2i(flat).top1 == V(10, 0));

  // Ties with a strictly greater score in between: image 1's row is
  //   captions 0..4: .5 .9 .5 .1 .1 | its own 5..9: .5 .1 .1 .1 .1
  // Order: 1(.9) 0(.5) 2(.5) 5*(.5) ... -> rank 3 (caption 5 ties with 0 and 2, which precede it).
  const Tensor sims = Tensor::from_vector<float>({0.9f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f,  //
                                                  0.5f, 0.9f, 0.5f, 0.1f, 0.1f, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f},
                                                 {2, 10});
  CHECK(scan::rank_i2t(sims).ranks == V{0, 3});
  CHECK(scan::rank_i2t(sims).top1 == V{0, 1});
}

TEST_CASE("ranking matches an explicit stable sort on a tie-heavy matrix, serial and threaded") {
  // 200 x 1000 scores from {0, .25, .5, .75, 1}: large enough to split across threads.
  const int64_t n_img = 200, n_cap = 1000;
  std::mt19937 engine(7);
  std::vector<double> values(n_img * n_cap);
  for (double& v : values) v = static_cast<double>(engine() % 5) / 4.0;

  V want_i2t(n_img), want_i2t_top(n_img), want_t2i(n_cap), want_t2i_top(n_cap);
  for (int64_t k = 0; k < n_img; ++k) {
    const std::vector<double> row(values.begin() + k * n_cap, values.begin() + (k + 1) * n_cap);
    const V order = scan::testing::stable_descending_order(row);
    want_i2t[k] = n_cap;
    for (int64_t j = 5 * k; j < 5 * k + 5; ++j)
      want_i2t[k] = std::min(want_i2t[k], scan::testing::position_of(order, j));
    want_i2t_top[k] = order[0];
  }
  for (int64_t j = 0; j < n_cap; ++j) {
    std::vector<double> column(n_img);
    for (int64_t k = 0; k < n_img; ++k) column[k] = values[k * n_cap + j];
    const V order = scan::testing::stable_descending_order(column);
    want_t2i[j] = scan::testing::position_of(order, j / 5);
    want_t2i_top[j] = order[0];
  }

  const int saved_threads = fw::num_threads();
  for (const int threads : {1, 3}) {
    CAPTURE(threads);
    fw::set_num_threads(threads);
    for (const fw::DType dtype : {fw::DType::Float32, fw::DType::Float64}) {
      const Tensor sims = Tensor::from_vector<double>(values, {n_img, n_cap}).to(dtype);
      const Ranking i2t = scan::rank_i2t(sims);
      const Ranking t2i = scan::rank_t2i(sims);
      CHECK(i2t.ranks == want_i2t);
      CHECK(i2t.top1 == want_i2t_top);
      CHECK(t2i.ranks == want_t2i);
      CHECK(t2i.top1 == want_t2i_top);
    }
  }
  fw::set_num_threads(saved_threads);
}

TEST_CASE("ranking reads non-contiguous views: a transposed matrix and a block of a larger one") {
  const Tensor sims = scan::testing::hand_sims<double>();
  // Stored as [captions, images] and viewed transposed.
  const Tensor transposed = sims.transpose(0, 1).contiguous().transpose(0, 1);
  CHECK_FALSE(transposed.is_contiguous());
  CHECK(scan::rank_i2t(transposed).ranks == V{1, 5});
  CHECK(scan::rank_t2i(transposed).ranks == V{1, 0, 1, 1, 1, 1, 1, 1, 1, 1});
  // The bottom-right block of a [3, 13] matrix whose other entries would outrank everything.
  Tensor big = Tensor::full({3, 13}, 9.0, fw::DType::Float64);
  const Tensor block = big.narrow(0, 1, 2).narrow(1, 3, 10);
  const std::vector<double> values = sims.to_vector<double>();
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t j = 0; j < 10; ++j) block.data<double>()[k * 13 + j] = values[k * 10 + j];
  CHECK(scan::rank_i2t(block).ranks == V{1, 5});
  CHECK(scan::rank_i2t(block).top1 == V{5, 0});
  CHECK(scan::rank_t2i(block).ranks == V{1, 0, 1, 1, 1, 1, 1, 1, 1, 1});
  CHECK(scan::rank_t2i(block).top1 == V{1, 0, 1, 1, 1, 0, 0, 0, 0, 0});
}

TEST_CASE("ranking rejects a bad sims matrix, naming the function and the shape") {
  CHECK_THROWS_WITH_AS(scan::rank_i2t(Tensor::zeros({2, 9})),
                       "rank_i2t: expected sims of shape [n_images, 5 * n_images] (captions 5k..5k+4 belong to "
                       "image k), got [2, 9]",
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::rank_t2i(Tensor::zeros({10, 2})), doctest::Contains("rank_t2i: expected sims of shape"),
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::rank_t2i(Tensor::zeros({10})), doctest::Contains("got [10]"), fw::Error);
  CHECK_THROWS_WITH_AS(scan::rank_i2t(Tensor::zeros({0, 0})), doctest::Contains("got [0, 0]"), fw::Error);
  CHECK_THROWS_WITH_AS(scan::rank_t2i(Tensor::zeros({1, 5}, fw::DType::Int64)),
                       "rank_t2i: expected a float32 or float64 tensor, got int64", fw::Error);
  CHECK_THROWS_WITH_AS(scan::rank_i2t(Tensor()), "rank_i2t: sims is undefined", fw::Error);

  Tensor with_nan = scan::testing::hand_sims<float>();
  with_nan.data<float>()[13] = std::numeric_limits<float>::quiet_NaN();
  with_nan.data<float>()[17] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH_AS(scan::rank_i2t(with_nan), "rank_i2t: sims [2, 10] contains NaN, first at [1, 3]", fw::Error);
  CHECK_THROWS_WITH_AS(scan::check_sims(with_nan, "evaluate"), doctest::Contains("evaluate: sims [2, 10] contains NaN"),
                       fw::Error);
}
