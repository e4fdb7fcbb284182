#include <doctest/doctest.h>

#include "framework/ops/elementwise.h"
#include "framework/autograd/grad_mode.h"
#include "framework/ops/reduce.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

TEST_CASE("add/sub/mul/div: values with broadcasting") {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<float>({10, 20, 30}, {3});
  CHECK((a + b).to_vector<float>() == std::vector<float>{11, 22, 33, 14, 25, 36});
  CHECK((a - b).to_vector<float>() == std::vector<float>{-9, -18, -27, -6, -15, -24});
  CHECK((a * b).to_vector<float>() == std::vector<float>{10, 40, 90, 40, 100, 180});
  CHECK((b / a).to_vector<float>() == std::vector<float>{10, 10, 10, 2.5, 4, 5});
  const Tensor col = Tensor::from_vector<double>({1, 2}, {2, 1});
  const Tensor row = Tensor::from_vector<double>({10, 20, 30}, {3});
  CHECK((col * row).shape() == Shape{2, 3});
  CHECK((col * row).to_vector<double>() == std::vector<double>{10, 20, 30, 20, 40, 60});
}

TEST_CASE("scalar variants and neg") {
  const Tensor a = Tensor::from_vector<double>({1, -2, 4}, {3});
  CHECK((a + 1.0).to_vector<double>() == std::vector<double>{2, -1, 5});
  CHECK((1.0 - a).to_vector<double>() == std::vector<double>{0, 3, -3});
  CHECK((a * 2.0).to_vector<double>() == std::vector<double>{2, -4, 8});
  CHECK((4.0 / a).to_vector<double>() == std::vector<double>{4, -2, 1});
  CHECK((a / 2.0).to_vector<double>() == std::vector<double>{0.5, -1, 2});
  CHECK((-a).to_vector<double>() == std::vector<double>{-1, 2, -4});
}

TEST_CASE("broadcast gradient reduces to the input's shape") {
  Tensor a = Tensor::ones({2, 3}, DType::Float64).set_requires_grad();
  Tensor b = Tensor::from_vector<double>({1, 2, 3}, {3}).set_requires_grad();
  sum(a * b).backward();
  CHECK(b.grad().shape() == Shape{3});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{2, 2, 2});
  CHECK(a.grad().to_vector<double>() == std::vector<double>{1, 2, 3, 1, 2, 3});
}

TEST_CASE("binary ops reject mismatched shapes and dtypes with the op and shapes in the message") {
  const Tensor a = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH_AS(a + Tensor::zeros({4}), doctest::Contains("add: shapes [2, 3] and [4] cannot be broadcast"),
                       Error);
  CHECK_THROWS_WITH_AS(a * Tensor::zeros({2, 3}, DType::Float64), doctest::Contains("mul: dtype mismatch"), Error);
  CHECK_THROWS_WITH_AS(Tensor::zeros({2}, DType::Int64) + Tensor::zeros({2}, DType::Int64),
                       doctest::Contains("add: expected a float32 or float64 tensor, got int64"), Error);
}

TEST_CASE("in-place updates refuse tensors that require grad in grad mode") {
  Tensor w = Tensor::zeros({2}).set_requires_grad();
  CHECK_THROWS_WITH_AS(add_(w, Tensor::ones({2})), doctest::Contains("add_: cannot modify"), Error);
  {
    NoGradGuard no_grad;
    add_scaled_(w, Tensor::ones({2}), 0.5);
  }
  CHECK(w.to_vector<float>() == std::vector<float>{0.5f, 0.5f});
}

TEST_CASE("gradcheck: every elementwise catalogue case") { check_catalogue_family("elementwise/"); }
