#include <doctest/doctest.h>

#include <cmath>

#include "framework/ops/elementwise.h"
#include "framework/ops/normalization.h"
#include "framework/ops/reduce.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;
using D = std::vector<double>;

TEST_CASE("l2norm: x / (sqrt(Σ x²) + eps) along a dim") {
  const Tensor x = Tensor::from_vector<double>({3, 4, 0, 5}, {2, 2});
  const double eps = 1e-8;  // the default, added to the norm
  const std::vector<double> rows = l2norm(x, 1).to_vector<double>();
  CHECK(rows[0] == doctest::Approx(3 / (5 + eps)).epsilon(1e-14));
  CHECK(rows[1] == doctest::Approx(4 / (5 + eps)).epsilon(1e-14));
  CHECK(rows[2] == 0.0);
  CHECK(rows[3] == doctest::Approx(5 / (5 + eps)).epsilon(1e-14));
  // Along dim 0 the columns are [3, 0] and [4, 5].
  const std::vector<double> columns = l2norm(x, 0).to_vector<double>();
  CHECK(columns[0] == doctest::Approx(3 / (3 + eps)).epsilon(1e-14));
  CHECK(columns[1] == doctest::Approx(4 / (std::sqrt(41.0) + eps)).epsilon(1e-14));
  CHECK(l2norm(x.to(DType::Float32), -1).dtype() == DType::Float32);
}

TEST_CASE("l2norm: eps is added after the square root") {
  // eps = 1: [3, 4] / (5 + 1) (eps under the root would give 5.099 instead of 6).
  const Tensor x = Tensor::from_vector<double>({3, 4}, {2});
  CHECK(l2norm(x, 0, 1.0).to_vector<double>() == D{3.0 / 6, 4.0 / 6});
  // A zero vector stays exactly zero, and its gradient is finite: g / eps.
  Tensor zero = Tensor::zeros({2, 3}, DType::Float64).set_requires_grad();
  const Tensor y = l2norm(zero, 1, 0.5);
  CHECK(y.to_vector<double>() == D(6, 0.0));
  sum(y).backward();
  CHECK(zero.grad().to_vector<double>() == D(6, 2.0));
  // float32 with the default eps: still no nan.
  for (float v : l2norm(Tensor::zeros({4}), 0).to_vector<float>()) CHECK(v == 0.0f);
}

TEST_CASE("l2norm: gradient against the hand-derived formula") {
  // y = x / (n + eps); with n = 5, eps = 1: dy_i/dx_j = δ_ij/6 − x_i x_j / (36·5).
  Tensor x = Tensor::from_vector<double>({3, 4}, {2}).set_requires_grad();
  const Tensor y = l2norm(x, 0, 1.0);
  sum(y * Tensor::from_vector<double>({1, 0}, {2})).backward();  // d y_0 / dx
  const std::vector<double> g = x.grad().to_vector<double>();
  CHECK(g[0] == doctest::Approx(1.0 / 6 - 9.0 / 180).epsilon(1e-12));
  CHECK(g[1] == doctest::Approx(-12.0 / 180).epsilon(1e-12));
}

TEST_CASE("cosine_similarity: Σ a⊙b / max(‖a‖‖b‖, eps), dim removed") {
  const Tensor a = Tensor::from_vector<double>({1, 0, 3, 4}, {2, 2});
  const Tensor b = Tensor::from_vector<double>({1, 1, -4, 3}, {2, 2});
  const std::vector<double> c = cosine_similarity(a, b, 1).to_vector<double>();
  REQUIRE(c.size() == 2);
  CHECK(c[0] == doctest::Approx(1 / std::sqrt(2.0)).epsilon(1e-12));
  CHECK(c[1] == doctest::Approx(0.0));
  // Broadcasting: [3, 1, 2] against [2, 2] over the last dim -> [3, 2].
  const Tensor a3 = Tensor::from_vector<double>({1, 0, 0, 1, 1, 1}, {3, 1, 2});
  const Tensor b2 = Tensor::from_vector<double>({2, 0, 0, -3}, {2, 2});
  const Tensor c32 = cosine_similarity(a3, b2, -1);
  CHECK(c32.shape() == Shape{3, 2});
  const std::vector<double> v = c32.to_vector<double>();
  const double h = 1 / std::sqrt(2.0);
  const D expected{1, 0, 0, -1, h, -h};
  for (size_t i = 0; i < v.size(); ++i) CHECK(v[i] == doctest::Approx(expected[i]).epsilon(1e-12));
}

TEST_CASE("cosine_similarity: the product of the norms is clamped, not each norm") {
  // Zero vectors give 0, forward and backward (no nan).
  Tensor z = Tensor::zeros({1, 3}, DType::Float64).set_requires_grad();
  const Tensor c0 = cosine_similarity(z, z, 1);
  CHECK(c0.item() == 0.0);
  sum(c0).backward();
  for (double g : z.grad().to_vector<double>()) CHECK(g == 0.0);
  // ‖a‖‖b‖ = 0.1·0.2 = 0.02 < eps = 1: the result is Σ a⊙b / 1 = 0.02, not 1.
  const Tensor a = Tensor::from_vector<double>({0.1, 0}, {2});
  const Tensor b = Tensor::from_vector<double>({0.2, 0}, {2});
  CHECK(cosine_similarity(a, b, 0, 1.0).item() == doctest::Approx(0.02).epsilon(1e-12));
  CHECK(cosine_similarity(a, b, 0).item() == doctest::Approx(1.0).epsilon(1e-12));
  // Clamped: d/da = b / eps.
  Tensor ag = a.clone().detach().set_requires_grad();
  cosine_similarity(ag, b, 0, 1.0).backward();
  CHECK(ag.grad().to_vector<double>() == D{0.2, 0});
}

TEST_CASE("cosine_similarity: errors") {
  CHECK_THROWS_WITH_AS(cosine_similarity(Tensor::zeros({2}), Tensor::zeros({2}, DType::Float64), 0),
                       doctest::Contains("cosine_similarity: dtype mismatch"), Error);
  CHECK_THROWS_WITH_AS(cosine_similarity(Tensor::zeros({2, 3}), Tensor::zeros({4}), 1),
                       doctest::Contains("cosine_similarity: shapes [2, 3] and [4] cannot be broadcast"), Error);
  CHECK_THROWS_WITH_AS(cosine_similarity(Tensor::zeros({2, 3}), Tensor::zeros({2, 3}), 2),
                       doctest::Contains("cosine_similarity: dim 2 is out of range"), Error);
  CHECK_THROWS_WITH_AS(l2norm(Tensor::zeros({2, 3}), -3), doctest::Contains("l2norm: dim -3 is out of range"), Error);
}

TEST_CASE("gradcheck: every normalization catalogue case") { check_catalogue_family("normalization/"); }
