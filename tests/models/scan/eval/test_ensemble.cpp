#include <doctest/doctest.h>

#include "models/scan/eval/ensemble.h"
#include "models/scan/eval/recall.h"
#include "tests/models/scan/eval/eval_fixtures.h"

using fw::Tensor;

TEST_CASE("ensemble_sims: element-wise mean of two or more matrices") {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor b = Tensor::from_vector<float>({3, 4, 5, 8}, {2, 2});
  const Tensor mean = scan::ensemble_sims({a, b});
  CHECK(mean.dtype() == fw::DType::Float32);
  CHECK(mean.shape() == fw::Shape{2, 2});
  CHECK(mean.to_vector<float>() == std::vector<float>{2, 3, 4, 6});

  const Tensor three = scan::ensemble_sims({Tensor::from_vector<double>({1, 2}, {1, 2}),
                                            Tensor::from_vector<double>({2, 4}, {1, 2}),
                                            Tensor::from_vector<double>({6, 0}, {1, 2})});
  CHECK(three.to_vector<double>() == std::vector<double>{3, 2});
}

TEST_CASE("ensemble_sims: float64 if any input is float64, and non-contiguous inputs are read correctly") {
  const Tensor mixed = scan::ensemble_sims(
      {Tensor::from_vector<float>({0.5f, 1.5f}, {1, 2}), Tensor::from_vector<double>({1.0, 2.0}, {1, 2})});
  CHECK(mixed.dtype() == fw::DType::Float64);
  CHECK(mixed.to_vector<double>() == std::vector<double>{0.75, 1.75});

  // a^T = [[1, 3], [2, 4]]
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor mean = scan::ensemble_sims({a.transpose(0, 1), Tensor::ones({2, 2})});
  CHECK(mean.to_vector<float>() == std::vector<float>{1, 2, 1.5f, 2.5f});
}

TEST_CASE("ensemble of identical models ranks like the single model") {
  const Tensor sims = scan::testing::hand_sims<float>();
  const scan::RetrievalResult one = scan::evaluate_retrieval(sims);
  const scan::RetrievalResult two = scan::evaluate_retrieval(scan::ensemble_sims({sims, sims}));
  CHECK(two.i2t.ranks == one.i2t.ranks);
  CHECK(two.t2i.ranks == one.t2i.ranks);
  CHECK(two.metrics.rsum() == one.metrics.rsum());
}

TEST_CASE("ensemble_sims rejects fewer than two inputs, unequal shapes and integer matrices") {
  const Tensor a = Tensor::zeros({2, 10});
  CHECK_THROWS_WITH_AS(scan::ensemble_sims({a}), "ensemble_sims: expected at least two sims matrices, got 1",
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::ensemble_sims({a, a, Tensor::zeros({3, 15})}),
                       "ensemble_sims: all sims must have one shape: sims 0 is [2, 10], sims 2 is [3, 15]", fw::Error);
  CHECK_THROWS_WITH_AS(scan::ensemble_sims({a, Tensor::zeros({2, 10}, fw::DType::Int64)}),
                       "ensemble_sims: expected float32 or float64 sims, sims 1 is int64", fw::Error);
}
