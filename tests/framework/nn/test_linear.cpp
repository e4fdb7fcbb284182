#include <doctest/doctest.h>

#include <cmath>

#include "framework/nn/linear.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

TEST_CASE("linear: y = x Wᵀ + b, hand-computed, with leading dims") {
  const Tensor x = Tensor::from_vector<double>({1, 2, -1, 0}, {2, 1, 2});
  const Tensor w = Tensor::from_vector<double>({1, 0, 0, 1, 1, 1}, {3, 2});
  const Tensor b = Tensor::from_vector<double>({0.5, 0, -1}, {3});
  const Tensor y = nn::linear(x, w, b);
  CHECK(y.shape() == Shape{2, 1, 3});
  CHECK(y.to_vector<double>() == std::vector<double>{1.5, 2, 2, -0.5, 0, -2});
}

TEST_CASE("Linear module: parameter names, shapes and the two inits") {
  Generator gen(7);
  nn::Linear xavier(2048, 1024, gen, nn::LinearInit::Xavier);
  const auto params = xavier.named_parameters();
  REQUIRE(params.size() == 2);
  CHECK(params[0].first == "weight");
  CHECK(params[0].second.shape() == Shape{1024, 2048});
  CHECK(params[1].first == "bias");
  CHECK(xavier.parameter_count() == 2098176);  // SCAN's image FC
  // SCAN's Xavier bound sqrt(6 / 3072) ≈ 0.0441942; bias zero.
  const std::vector<float> w = xavier.weight.to_vector<float>();
  const double bound = std::sqrt(6.0 / 3072.0);
  double largest = 0;
  for (float v : w) largest = std::max(largest, double(std::abs(v)));
  CHECK(largest <= bound);
  CHECK(largest > 0.99 * bound);
  for (float v : xavier.bias.to_vector<float>()) CHECK(v == 0.0f);

  nn::Linear standard(16, 4, gen);
  for (float v : standard.bias.to_vector<float>()) CHECK(std::abs(v) <= 0.25f);  // 1/sqrt(16)
}

TEST_CASE("Linear rejects an input of the wrong width") {
  Generator gen(1);
  nn::Linear layer(3, 2, gen);
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::zeros({4, 5})),
                       doctest::Contains("linear: expected input [..., 3] for weight [2, 3], got [4, 5]"), Error);
}

TEST_CASE("gradcheck: linear catalogue cases") { check_catalogue_family("layers/linear"); }
