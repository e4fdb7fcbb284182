#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

namespace {

template <typename T>
Tensor make(const std::vector<double>& values, const Shape& shape) {
  return Tensor::from_vector<T>(std::vector<T>(values.begin(), values.end()), shape);
}

// 0, 1, ..., n-1 as a float tensor of `shape`.
template <typename T>
Tensor iota(const Shape& shape) {
  std::vector<T> values(numel(shape));
  for (size_t i = 0; i < values.size(); ++i) values[i] = T(i);
  return Tensor::from_vector<T>(values, shape);
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

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.contiguous().data<float>(), b.contiguous().data<float>(), a.numel() * sizeof(float)) == 0;
}

// Restores the thread count when a test ends, even when a check throws.
struct ThreadCountGuard {
  int saved = num_threads();
  ~ThreadCountGuard() { set_num_threads(saved); }
};

}  // namespace

TEST_CASE_TEMPLATE("sum: values over dims, and float32 sums keep their precision", T, float, double) {
  const Tensor x = iota<T>({2, 3, 4});  // x[i, j, k] = 12i + 4j + k
  check_values(sum(x), {276});
  check_values(sum(x, 1), {12, 15, 18, 21, 48, 51, 54, 57});
  check_values(sum(x, {0, 2}), {60, 92, 124});
  // 2^24 + 1 + 1 + 1 + 1 = 16777220: a float32 accumulator would stay at 2^24.
  CHECK(sum(make<T>({16777216, 1, 1, 1, 1}, {5})).item() == 16777220.0);
}

TEST_CASE_TEMPLATE("mean: over all elements, one dim, and several dims", T, float, double) {
  const Tensor x = iota<T>({2, 3, 4});
  check_values(mean(x), {11.5});
  CHECK(mean(x).shape() == Shape{});
  // mean over i and k of 12i + 4j + k = 6 + 4j + 1.5
  check_values(mean(x, {0, 2}), {7.5, 11.5, 15.5});
  check_values(mean(x, {2, 0}, true), {7.5, 11.5, 15.5});
  CHECK(mean(x, {0, 2}, true).shape() == Shape{1, 3, 1});
  const Tensor rows = mean(x, -1, true);
  CHECK(rows.shape() == Shape{2, 3, 1});
  check_values(rows, {1.5, 5.5, 9.5, 13.5, 17.5, 21.5});
  // x.transpose(0, 2)[k, j, i] = 12i + 4j + k; its mean over i is 6 + 4j + k.
  check_values(mean(x.transpose(0, 2), 2), {6, 10, 14, 7, 11, 15, 8, 12, 16, 9, 13, 17});
}

TEST_CASE_TEMPLATE("mean: the gradient is 1/count at every reduced position", T, float, double) {
  Tensor x = iota<T>({2, 3}).set_requires_grad();
  mean(x, 0).backward(make<T>({1, 2, 3}, {3}));
  check_values(x.grad(), {0.5, 1, 1.5, 0.5, 1, 1.5});
  x.zero_grad();
  mean(x).backward();
  check_values(x.grad(), std::vector<double>(6, 1.0 / 6));
}

TEST_CASE_TEMPLATE("max and argmax: ties pick the first position, which alone gets the gradient", T, float, double) {
  Tensor x = make<T>({1, 3, 3, 2, 2, 0}, {2, 3}).set_requires_grad();
  check_values(max(x, 1), {3, 2});
  CHECK(argmax(x, 1).to_vector<int64_t>() == std::vector<int64_t>{1, 0});
  check_values(max(x, 0), {2, 3, 3});
  CHECK(argmax(x, 0).to_vector<int64_t>() == std::vector<int64_t>{1, 0, 0});
  CHECK(max(x, -1, true).shape() == Shape{2, 1});
  CHECK(argmax(x, -1, true).shape() == Shape{2, 1});

  max(x, 1).backward(make<T>({10, 20}, {2}));
  check_values(x.grad(), {0, 10, 0, 20, 0, 0});
  x.zero_grad();
  max(x, 0, true).backward(make<T>({1, 2, 3}, {1, 3}));
  check_values(x.grad(), {0, 2, 3, 1, 0, 0});
}

TEST_CASE("max and argmax: NaN counts as the maximum, argmax is int64 without gradient") {
  const Tensor x = Tensor::from_vector<double>({1, std::nan(""), 3, std::nan("")}, {4});
  CHECK(std::isnan(max(x, 0).item()));
  CHECK(argmax(x, 0).item() == 1);
  Tensor y = Tensor::from_vector<float>({1, 5, 2}, {3}).set_requires_grad();
  const Tensor index = argmax(y, 0);
  CHECK(index.dtype() == DType::Int64);
  CHECK(index.shape() == Shape{});
  CHECK(index.item() == 1);
  CHECK_FALSE(index.requires_grad());
  CHECK(max(y, 0).requires_grad());
}

TEST_CASE_TEMPLATE("logsumexp: values, no overflow for large inputs, gradient = softmax", T, float, double) {
  check_values(logsumexp(make<T>({1, 2, 3}, {3}), 0), {3.4076059644443806});
  check_values(logsumexp(make<T>({1000, 1000}, {2}), 0), {1000 + std::log(2.0)});
  check_values(logsumexp(make<T>({-1000, -1000}, {2}), 0), {-1000 + std::log(2.0)});
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(logsumexp(make<T>({-inf, -inf}, {2}), 0).item() == -inf);
  CHECK(logsumexp(make<T>({1, inf}, {2}), 0).item() == inf);
  // Over dim 0 of [[0, 1], [0, 1]]: log 2 and 1 + log 2.
  const Tensor cols = logsumexp(make<T>({0, 1, 0, 1}, {2, 2}), 0, true);
  CHECK(cols.shape() == Shape{1, 2});
  check_values(cols, {std::log(2.0), 1 + std::log(2.0)});

  Tensor x = make<T>({1, 2, 3}, {3}).set_requires_grad();
  logsumexp(x, 0).backward(Tensor::scalar(2.0, x.dtype()));
  check_values(x.grad(), {2 * 0.09003057317038046, 2 * 0.24472847105479767, 2 * 0.6652409557748219});
}

TEST_CASE_TEMPLATE("softmax: values along each dim, stable for large inputs", T, float, double) {
  check_values(softmax(make<T>({1, 2, 3}, {3}), 0), {0.09003057317038046, 0.24472847105479767, 0.6652409557748219});
  check_values(softmax(make<T>({1000, 1000}, {2}), -1), {0.5, 0.5});
  check_values(softmax(make<T>({-1000, 0}, {2}), 0), {0, 1});
  // [[0, 0], [log 3, 0]]: dim 0 gives columns [1/4, 3/4] and [1/2, 1/2]; dim 1 gives rows.
  const Tensor x = make<T>({0, 0, std::log(3.0), 0}, {2, 2});
  check_values(softmax(x, 0), {0.25, 0.5, 0.75, 0.5});
  check_values(softmax(x, 1), {0.5, 0.5, 0.75, 0.25});
  check_values(softmax(x.transpose(0, 1), 0), {0.5, 0.75, 0.5, 0.25});
}

TEST_CASE_TEMPLATE("softmax: gradient y ⊙ (g − Σ g ⊙ y)", T, float, double) {
  Tensor x = make<T>({1, 2, 3}, {3}).set_requires_grad();
  const double y0 = 0.09003057317038046, y1 = 0.24472847105479767, y2 = 0.6652409557748219;
  softmax(x, 0).backward(make<T>({1, 0, 0}, {3}));
  check_values(x.grad(), {y0 * (1 - y0), -y1 * y0, -y2 * y0});
  // A gradient constant along the dim is annihilated (softmax is shift invariant).
  x.zero_grad();
  softmax(x, 0).backward(make<T>({5, 5, 5}, {3}));
  for (double g : x.grad().to_vector<double>()) CHECK(g == doctest::Approx(0).epsilon(1e-6));
}

TEST_CASE("reductions over a leading dim with a long inner extent match the row-wise computation") {
  // Over dim 0 of [3, 600] the kernels walk 600 inner positions in blocks; over dim 1 of the
  // transposed copy they walk rows. Both must agree, and sum must match a plain loop.
  Generator gen(3);
  const Tensor x = Tensor::uniform({3, 600}, -2, 2, gen, DType::Float64);
  const Tensor rows = x.transpose(0, 1).contiguous();  // [600, 3]
  CHECK(softmax(x, 0).transpose(0, 1).contiguous().to_vector<double>() == softmax(rows, 1).to_vector<double>());
  CHECK(logsumexp(x, 0).to_vector<double>() == logsumexp(rows, 1).to_vector<double>());
  CHECK(max(x, 0).to_vector<double>() == max(rows, 1).to_vector<double>());
  CHECK(argmax(x, 0).to_vector<int64_t>() == argmax(rows, 1).to_vector<int64_t>());
  const std::vector<double> v = x.to_vector<double>(), sums = sum(x, 0).to_vector<double>();
  for (int64_t j = 0; j < 600; ++j) CHECK(sums[j] == v[j] + v[600 + j] + v[1200 + j]);
}

TEST_CASE("reductions reject bad dims, naming the op and the rank") {
  const Tensor x = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH_AS(sum(x, 2), doctest::Contains("sum: dim 2 is out of range for a tensor of rank 2"), Error);
  CHECK_THROWS_WITH_AS(mean(x, -3), doctest::Contains("mean: dim -3 is out of range for a tensor of rank 2"),
                       Error);
  CHECK_THROWS_WITH_AS(max(x, 5), doctest::Contains("max: dim 5 is out of range for a tensor of rank 2"), Error);
  CHECK_THROWS_WITH_AS(argmax(x, 2), doctest::Contains("argmax: dim 2 is out of range for a tensor of rank 2"),
                       Error);
  CHECK_THROWS_WITH_AS(logsumexp(x, 2),
                       doctest::Contains("logsumexp: dim 2 is out of range for a tensor of rank 2"), Error);
  CHECK_THROWS_WITH_AS(softmax(x, -3), doctest::Contains("softmax: dim -3 is out of range for a tensor of rank 2"),
                       Error);
  CHECK_THROWS_WITH_AS(mean(x, {1, -1}), doctest::Contains("mean: a dim is listed twice"), Error);
  CHECK_THROWS_WITH_AS(max(Tensor::zeros({2, 0}), 1),
                       doctest::Contains("max: cannot reduce over dim 1 of size 0 (shape [2, 0])"), Error);
  CHECK_THROWS_WITH_AS(softmax(Tensor::arange(3), 0),
                       doctest::Contains("softmax: expected a float32 or float64 tensor, got int64"), Error);
}

TEST_CASE("reductions and softmax are bitwise reproducible and independent of the thread count") {
  ThreadCountGuard guard;
  Generator gen(7);
  const Tensor x = Tensor::uniform({64, 1000}, -5, 5, gen);
  const auto run_all = [&] {
    return std::vector<Tensor>{softmax(x, -1), softmax(x, 0), sum(x, 1), sum(x, 0), sum(x), mean(x, 0),
                               logsumexp(x, 1), max(x, 0)};
  };
  set_num_threads(2);
  const std::vector<Tensor> first = run_all(), second = run_all();
  set_num_threads(1);
  const std::vector<Tensor> serial = run_all(), serial_again = run_all();
  REQUIRE(first.size() == serial.size());
  for (size_t i = 0; i < first.size(); ++i) {
    INFO("result ", i);
    CHECK(bitwise_equal(first[i], second[i]));
    CHECK(bitwise_equal(serial[i], serial_again[i]));
    CHECK(bitwise_equal(first[i], serial[i]));
  }
}

TEST_CASE("gradcheck: every reduce catalogue case") { check_catalogue_family("reduce/"); }
