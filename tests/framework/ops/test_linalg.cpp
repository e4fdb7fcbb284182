#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "framework/core/random.h"
#include "framework/ops/linalg.h"
#include "framework/ops/reduce.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

namespace {

// Plain triple loop over dense float64 copies: the reference for the BLAS path.
std::vector<double> naive_product(const Tensor& a, const Tensor& b) {
  const Tensor ad = a.to(DType::Float64).contiguous(), bd = b.to(DType::Float64).contiguous();
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const std::vector<double> x = ad.to_vector<double>(), y = bd.to_vector<double>();
  std::vector<double> c(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t p = 0; p < k; ++p) c[i * n + j] += x[i * k + p] * y[p * n + j];
  return c;
}

// Largest |got - want| relative to max(|want|, 1).
double max_rel_diff(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - want[i]) / std::max(std::abs(want[i]), 1.0));
  return worst;
}

}  // namespace

TEST_CASE("matmul: 2-D product against hand-computed values, float32 and float64") {
  // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
  const Tensor a = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<double>({7, 8, 9, 10, 11, 12}, {3, 2});
  const Tensor c = matmul(a, b);
  CHECK(c.shape() == Shape{2, 2});
  CHECK(c.to_vector<double>() == std::vector<double>{58, 64, 139, 154});
  const Tensor c32 = matmul(a.to(DType::Float32), b.to(DType::Float32));
  CHECK(c32.dtype() == DType::Float32);
  CHECK(c32.to_vector<float>() == std::vector<float>{58, 64, 139, 154});
}

TEST_CASE("matmul: transposed and strided operands give the same product") {
  const Tensor a = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<double>({7, 8, 9, 10, 11, 12}, {3, 2});
  // The same matrices, stored transposed and seen through transpose().
  const Tensor at = Tensor::from_vector<double>({1, 4, 2, 5, 3, 6}, {3, 2}).transpose(0, 1);
  const Tensor bt = Tensor::from_vector<double>({7, 9, 11, 8, 10, 12}, {2, 3}).transpose(0, 1);
  const std::vector<double> expected{58, 64, 139, 154};
  CHECK(matmul(at, b).to_vector<double>() == expected);
  CHECK(matmul(a, bt).to_vector<double>() == expected);
  CHECK(matmul(at, bt).to_vector<double>() == expected);
  // Every other column of [2, 6]: neither layout BLAS reads, so it is copied first.
  const Tensor wide = Tensor::from_vector<double>({1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, {2, 6});
  const Tensor strided = make_view(wide, {2, 3}, {6, 2}, 0);
  CHECK(matmul(strided, b).to_vector<double>() == expected);
}

TEST_CASE("matmul: batched products and batch broadcasting") {
  // Batch 0 multiplies by the identity, batch 1 by 2·identity.
  const Tensor a = Tensor::from_vector<double>({1, 2, 3, 4, 1, 2, 3, 4}, {2, 2, 2});
  const Tensor b = Tensor::from_vector<double>({1, 0, 0, 1, 2, 0, 0, 2}, {2, 2, 2});
  CHECK(matmul(a, b).shape() == Shape{2, 2, 2});
  CHECK(matmul(a, b).to_vector<double>() == std::vector<double>{1, 2, 3, 4, 2, 4, 6, 8});
  CHECK(bmm(a, b).to_vector<double>() == std::vector<double>{1, 2, 3, 4, 2, 4, 6, 8});
  // A 2-D left operand is shared by every batch entry of the right one.
  const Tensor a2 = Tensor::from_vector<double>({1, 2, 3, 4}, {2, 2});
  CHECK(matmul(a2, b).to_vector<double>() == std::vector<double>{1, 2, 3, 4, 2, 4, 6, 8});
  // A 2-D right operand, and a batch of one on the right.
  const Tensor swap = Tensor::from_vector<double>({0, 1, 1, 0}, {2, 2});
  CHECK(matmul(a, swap).to_vector<double>() == std::vector<double>{2, 1, 4, 3, 2, 1, 4, 3});
  CHECK(matmul(a, swap.unsqueeze(0)).shape() == Shape{2, 2, 2});
  CHECK(matmul(a, swap.unsqueeze(0)).to_vector<double>() == std::vector<double>{2, 1, 4, 3, 2, 1, 4, 3});
}

TEST_CASE("matmul: batched BLAS paths agree with a naive product") {
  Generator gen(7);
  // Small matrices and large ones (threaded inside BLAS), transposed on one side.
  for (const Shape& mkn : {Shape{5, 6, 7}, Shape{70, 65, 66}}) {
    const int64_t m = mkn[0], k = mkn[1], n = mkn[2], B = 3;
    const Tensor a = Tensor::uniform({B, m, k}, -1, 1, gen, DType::Float64);
    const Tensor b = Tensor::uniform({B, n, k}, -1, 1, gen, DType::Float64).transpose(1, 2);
    const Tensor c = matmul(a, b);
    for (int64_t i = 0; i < B; ++i)
      CHECK(max_rel_diff(c.select(0, i).to_vector<double>(), naive_product(a.select(0, i), b.select(0, i))) < 1e-12);
    // float32 through sgemm, to float32 accuracy.
    const Tensor c32 = matmul(a.to(DType::Float32), b.to(DType::Float32));
    CHECK(max_rel_diff(c32.to_vector<double>(), c.to_vector<double>()) < 1e-5);
    // The same inputs give bitwise the same result on a second run.
    CHECK(matmul(a, b).to_vector<double>() == c.to_vector<double>());
  }
  // A shared right operand: a dense batch (one stacked product) and row blocks of a batch
  // whose batch stride is not m rows (one product per entry).
  const Tensor w = Tensor::uniform({6, 4}, -1, 1, gen, DType::Float64);
  const Tensor x = Tensor::uniform({3, 5, 6}, -1, 1, gen, DType::Float64);
  for (const Tensor& xb : {x, x.narrow(1, 1, 3)}) {
    const Tensor c = matmul(xb, w);
    for (int64_t i = 0; i < 3; ++i)
      CHECK(max_rel_diff(c.select(0, i).to_vector<double>(), naive_product(xb.select(0, i), w)) < 1e-12);
  }
}

TEST_CASE("matmul: gradients dA = dC Bᵀ and dB = Aᵀ dC, summed over a broadcast batch") {
  Tensor a = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad();
  Tensor b = Tensor::from_vector<double>({7, 8, 9, 10, 11, 12}, {3, 2}).set_requires_grad();
  sum(matmul(a, b)).backward();
  // With dC = ones: dA[i, k] = Σ_j b[k, j] (row sums of b), dB[k, j] = Σ_i a[i, k] (column sums of a).
  CHECK(a.grad().to_vector<double>() == std::vector<double>{15, 19, 23, 15, 19, 23});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{5, 5, 7, 7, 9, 9});

  // The same a shared by a batch of two b's: its gradient is the sum over the batch.
  a.zero_grad();
  Tensor bb = Tensor::from_vector<double>({7, 8, 9, 10, 11, 12, 7, 8, 9, 10, 11, 12}, {2, 3, 2}).set_requires_grad();
  sum(matmul(a, bb)).backward();
  CHECK(a.grad().shape() == Shape{2, 3});
  CHECK(a.grad().to_vector<double>() == std::vector<double>{30, 38, 46, 30, 38, 46});
  CHECK(bb.grad().to_vector<double>() == std::vector<double>{5, 5, 7, 7, 9, 9, 5, 5, 7, 7, 9, 9});
}

TEST_CASE("matmul/bmm: errors name the op and both shapes") {
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({2, 3}), Tensor::zeros({4, 5})),
                       "matmul: inner dimensions differ: a is [2, 3], b is [4, 5] (3 vs 4)", Error);
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({3}), Tensor::zeros({3, 2})),
                       "matmul: expected 2-D or 3-D operands, got a [3] and b [3, 2]", Error);
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({2, 3}), Tensor::zeros({3, 2}, DType::Float64)),
                       doctest::Contains("matmul: dtype mismatch: float32 [2, 3] vs float64 [3, 2]"), Error);
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({2, 2, 3}), Tensor::zeros({3, 3, 4})),
                       "matmul: batch sizes differ: a is [2, 2, 3], b is [3, 3, 4] (2 vs 3)", Error);
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({2, 3}, DType::Int64), Tensor::zeros({3, 2}, DType::Int64)),
                       doctest::Contains("matmul: expected a float32 or float64 tensor, got int64"), Error);
  CHECK_THROWS_WITH_AS(bmm(Tensor::zeros({2, 3}), Tensor::zeros({2, 3, 4})),
                       "bmm: expected 3-D operands, got a [2, 3] and b [2, 3, 4]", Error);
  CHECK_THROWS_WITH_AS(bmm(Tensor::zeros({1, 2, 3}), Tensor::zeros({2, 3, 4})),
                       "bmm: batch sizes differ: a is [1, 2, 3], b is [2, 3, 4] (1 vs 2)", Error);
}

TEST_CASE("matmul: empty inner dimension gives zeros") {
  const Tensor c = matmul(Tensor::zeros({2, 0}), Tensor::zeros({0, 3}));
  CHECK(c.shape() == Shape{2, 3});
  CHECK(c.to_vector<float>() == std::vector<float>(6, 0.f));
}

TEST_CASE("gradcheck: every linalg catalogue case") { check_catalogue_family("linalg/"); }
