#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

namespace {

template <typename T>
Tensor vec(const std::vector<double>& values) {
  return Tensor::from_vector<T>(std::vector<T>(values.begin(), values.end()), {int64_t(values.size())});
}

void check_values(const Tensor& t, const std::vector<double>& expected) {
  const std::vector<double> got = t.to_vector<double>();
  REQUIRE(got.size() == expected.size());
  const double tolerance = t.dtype() == DType::Float32 ? 1e-6 : 1e-12;
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element ", i);
    CHECK(got[i] == doctest::Approx(expected[i]).epsilon(tolerance));
  }
}

// The gradient of sum(f(x)) with respect to x, i.e. f'(x) elementwise.
template <typename T, typename F>
Tensor derivative(const std::vector<double>& values, F f) {
  Tensor x = vec<T>(values).set_requires_grad();
  sum(f(x)).backward();
  return x.grad();
}

}  // namespace

TEST_CASE_TEMPLATE("exp, log, sqrt: values and derivatives", T, float, double) {
  const double e = std::exp(1.0);
  check_values(exp(vec<T>({0, 1, -1})), {1, e, 1 / e});
  check_values(derivative<T>({0, 1, -1}, [](const Tensor& x) { return exp(x); }), {1, e, 1 / e});
  check_values(log(vec<T>({1, e, 0.5})), {0, 1, -std::log(2.0)});
  check_values(derivative<T>({1, 4, 0.5}, [](const Tensor& x) { return log(x); }), {1, 0.25, 2});
  check_values(sqrt(vec<T>({4, 9, 0.25})), {2, 3, 0.5});
  check_values(derivative<T>({4, 9, 0.25}, [](const Tensor& x) { return sqrt(x); }), {0.25, 1.0 / 6, 1});
}

TEST_CASE_TEMPLATE("log and sqrt of invalid inputs follow IEEE instead of throwing", T, float, double) {
  const std::vector<double> logs = log(vec<T>({0, -1})).template to_vector<double>();
  CHECK(logs[0] == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(logs[1]));
  CHECK(std::isnan(sqrt(vec<T>({-1})).item()));
}

TEST_CASE_TEMPLATE("pow: integer, fractional, negative and zero exponents", T, float, double) {
  check_values(pow(vec<T>({2, -3}), 2.0), {4, 9});
  check_values(derivative<T>({2, -3}, [](const Tensor& x) { return pow(x, 2.0); }), {4, -6});
  check_values(pow(vec<T>({-2}), 3.0), {-8});
  check_values(pow(vec<T>({4, 9}), 0.5), {2, 3});
  check_values(derivative<T>({4, 9}, [](const Tensor& x) { return pow(x, 0.5); }), {0.25, 1.0 / 6});
  check_values(pow(vec<T>({2, 4}), -1.0), {0.5, 0.25});
  check_values(derivative<T>({2, 4}, [](const Tensor& x) { return pow(x, -1.0); }), {-0.25, -0.0625});
  // x^0 = 1 with derivative 0 everywhere, including at 0 (not 0 * 0^-1 = nan).
  check_values(pow(vec<T>({0, 5}), 0.0), {1, 1});
  check_values(derivative<T>({0, 5}, [](const Tensor& x) { return pow(x, 0.0); }), {0, 0});
  CHECK(std::isnan(pow(vec<T>({-2}), 0.5).item()));
}

TEST_CASE_TEMPLATE("abs: values and sign derivative with 0 at 0", T, float, double) {
  check_values(abs(vec<T>({-2, 0, 3})), {2, 0, 3});
  check_values(derivative<T>({-2, 0, 3}, [](const Tensor& x) { return abs(x); }), {-1, 0, 1});
}

TEST_CASE_TEMPLATE("sigmoid and tanh: values and derivatives", T, float, double) {
  const double s2 = 1 / (1 + std::exp(-2.0));  // 0.8807970779778823
  check_values(sigmoid(vec<T>({0, 2, -2})), {0.5, s2, 1 - s2});
  check_values(derivative<T>({0, 2}, [](const Tensor& x) { return sigmoid(x); }), {0.25, s2 * (1 - s2)});
  const double t1 = std::tanh(1.0);  // 0.7615941559557649
  check_values(tanh(vec<T>({0, 1, -1})), {0, t1, -t1});
  check_values(derivative<T>({0, 1}, [](const Tensor& x) { return tanh(x); }), {1, 1 - t1 * t1});
}

TEST_CASE_TEMPLATE("sigmoid is finite for large |x|, with finite derivatives", T, float, double) {
  Tensor x = vec<T>({100, -100, 1000, -1000}).set_requires_grad();
  const Tensor y = sigmoid(x);
  const std::vector<double> v = y.to_vector<double>();
  CHECK(v[0] == 1.0);
  CHECK(v[1] >= 0.0);
  CHECK(v[1] < 1e-40);
  CHECK(v[2] == 1.0);
  CHECK(v[3] == 0.0);
  sum(y).backward();
  for (double g : x.grad().to_vector<double>()) {
    CHECK(std::isfinite(g));
    CHECK(g >= 0.0);
  }
}

TEST_CASE_TEMPLATE("relu, leaky_relu, clamp_min: values and piecewise derivatives", T, float, double) {
  check_values(relu(vec<T>({-1, 0.5, 2})), {0, 0.5, 2});
  check_values(derivative<T>({-1, 0.5, 2}, [](const Tensor& x) { return relu(x); }), {0, 1, 1});
  check_values(leaky_relu(vec<T>({-2, 3}), 0.1), {-0.2, 3});
  check_values(derivative<T>({-2, 3}, [](const Tensor& x) { return leaky_relu(x, 0.1); }), {0.1, 1});
  check_values(clamp_min(vec<T>({0, 1, -3}), 0.5), {0.5, 1, 0.5});
  check_values(derivative<T>({0, 1, -3}, [](const Tensor& x) { return clamp_min(x, 0.5); }), {0, 1, 0});
  CHECK(std::isnan(relu(vec<T>({std::nan("")})).item()));
}

TEST_CASE("unary ops multiply the incoming gradient by the local derivative") {
  Tensor x = Tensor::from_vector<double>({0, 1, -1}, {3}).set_requires_grad();
  exp(x).backward(Tensor::from_vector<double>({1, 2, 3}, {3}));
  const double e = std::exp(1.0);
  check_values(x.grad(), {1, 2 * e, 3 / e});
}

TEST_CASE("unary ops read non-contiguous inputs in logical order") {
  const Tensor x = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).transpose(0, 1);  // [[1,4],[2,5],[3,6]]
  const Tensor y = pow(x, 2.0);
  CHECK(y.shape() == Shape{3, 2});
  CHECK(y.to_vector<double>() == std::vector<double>{1, 16, 4, 25, 9, 36});
  const Tensor strided = Tensor::from_vector<float>({-1, 9, 2, 9, -3, 9}, {6}).reshape({3, 2}).narrow(1, 0, 1);
  CHECK(relu(strided).to_vector<float>() == std::vector<float>{0, 2, 0});
}

TEST_CASE("unary ops reject integer tensors, naming the op") {
  const Tensor ids = Tensor::arange(3);
  CHECK_THROWS_WITH_AS(exp(ids), doctest::Contains("exp: expected a float32 or float64 tensor, got int64"), Error);
  CHECK_THROWS_WITH_AS(sigmoid(ids), doctest::Contains("sigmoid: expected a float32 or float64 tensor"), Error);
  CHECK_THROWS_WITH_AS(clamp_min(ids, 0), doctest::Contains("clamp_min: expected a float32 or float64 tensor"),
                       Error);
}

TEST_CASE("gradcheck: every unary catalogue case") { check_catalogue_family("unary/"); }
