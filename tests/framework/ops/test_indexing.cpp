#include <doctest/doctest.h>

#include "framework/ops/elementwise.h"
#include "framework/ops/indexing.h"
#include "framework/ops/reduce.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;
using I = std::vector<int64_t>;
using D = std::vector<double>;

TEST_CASE("embedding: rows for ids of any shape, repeated ids accumulate gradient") {
  Tensor weight = Tensor::from_vector<double>({0, 1, 10, 11, 20, 21, 30, 31}, {4, 2}).set_requires_grad();
  const Tensor ids = Tensor::from_vector<int64_t>(I{1, 1, 3, 1}, {2, 2});
  const Tensor out = embedding(weight, ids);
  CHECK(out.shape() == Shape{2, 2, 2});
  CHECK(out.to_vector<double>() == D{10, 11, 10, 11, 30, 31, 10, 11});
  // Weighted loss so that each position's contribution is distinguishable: row 1 gets 1 + 2 + 4.
  const Tensor w = Tensor::from_vector<double>({1, 1, 2, 2, 3, 3, 4, 4}, {2, 2, 2});
  sum(out * w).backward();
  CHECK(weight.grad().to_vector<double>() == D{0, 0, 7, 7, 0, 0, 3, 3});
  // A 1-D id list, float32 weight, and ids given as a non-contiguous view.
  const Tensor w32 = Tensor::from_vector<float>({0, 1, 10, 11, 20, 21}, {3, 2});
  const Tensor id_view = Tensor::from_vector<int64_t>(I{2, 0, 1, 1}, {2, 2}).transpose(0, 1);  // [[2, 1], [0, 1]]
  CHECK(embedding(w32, id_view).to_vector<float>() == std::vector<float>{20, 21, 10, 11, 0, 1, 10, 11});
}

TEST_CASE("embedding: errors name the op, the id, its position and V") {
  const Tensor weight = Tensor::zeros({4, 2});
  CHECK_THROWS_WITH_AS(embedding(weight, Tensor::from_vector<int64_t>(I{0, 1, 7, 2}, {2, 2})),
                       "embedding: id 7 at position [1, 0] of ids [2, 2] is out of range for a weight [4, 2] (V = 4)",
                       Error);
  CHECK_THROWS_WITH_AS(embedding(weight, Tensor::from_vector<int64_t>(I{-1}, {1})),
                       doctest::Contains("embedding: id -1 at position [0]"), Error);
  CHECK_THROWS_WITH_AS(embedding(weight, Tensor::zeros({2})),
                       doctest::Contains("embedding: expected ids to be an int64 tensor, got float32 [2]"), Error);
  CHECK_THROWS_WITH_AS(embedding(Tensor::zeros({4}), Tensor::zeros({2}, DType::Int64)),
                       doctest::Contains("embedding: expected a 2-D weight [V, d], got [4]"), Error);
}

TEST_CASE("index_select: along dim 0 and dim 1, backward scatter-adds") {
  Tensor x = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad();
  const Tensor rows = index_select(x, 0, Tensor::from_vector<int64_t>(I{1, 1, 0}, {3}));
  CHECK(rows.shape() == Shape{3, 3});
  CHECK(rows.to_vector<double>() == D{4, 5, 6, 4, 5, 6, 1, 2, 3});
  const Tensor cols = index_select(x, -1, Tensor::from_vector<int64_t>(I{2, 0, 2, 2}, {4}));
  CHECK(cols.shape() == Shape{2, 4});
  CHECK(cols.to_vector<double>() == D{3, 1, 3, 3, 6, 4, 6, 6});
  sum(cols).backward();
  CHECK(x.grad().to_vector<double>() == D{1, 0, 3, 1, 0, 3});
  // A transposed input: x.T is [[1, 4], [2, 5], [3, 6]].
  const Tensor xt = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).transpose(0, 1);
  CHECK(index_select(xt, 0, Tensor::from_vector<int64_t>(I{2}, {1})).to_vector<double>() == D{3, 6});
}

TEST_CASE("index_select: errors") {
  const Tensor x = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH_AS(index_select(x, 1, Tensor::from_vector<int64_t>(I{0, 3}, {2})),
                       "index_select: index 3 at position 1 is out of range for dim 1 of size 3 (shape [2, 3])", Error);
  CHECK_THROWS_WITH_AS(index_select(x, 0, Tensor::zeros({1, 1}, DType::Int64)),
                       "index_select: expected a 1-D index, got shape [1, 1]", Error);
  CHECK_THROWS_WITH_AS(index_select(x, 2, Tensor::zeros({1}, DType::Int64)),
                       doctest::Contains("index_select: dim 2 is out of range"), Error);
}

TEST_CASE("cat: along the first and last dims with different sizes, gradient split back") {
  Tensor a = Tensor::from_vector<double>({1, 2, 3, 4}, {2, 2}).set_requires_grad();
  Tensor b = Tensor::from_vector<double>({5, 6}, {1, 2}).set_requires_grad();
  const Tensor rows = cat({a, b}, 0);
  CHECK(rows.shape() == Shape{3, 2});
  CHECK(rows.to_vector<double>() == D{1, 2, 3, 4, 5, 6});
  const Tensor w = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {3, 2});
  sum(rows * w).backward();
  CHECK(a.grad().to_vector<double>() == D{1, 2, 3, 4});
  CHECK(b.grad().to_vector<double>() == D{5, 6});
  // Last dim: [2, 2] ++ [2, 1] (a transposed view) -> [2, 3]
  const Tensor c = Tensor::from_vector<double>({7, 8}, {1, 2}).transpose(0, 1);
  const Tensor cols = cat({a.detach(), c}, -1);
  CHECK(cols.shape() == Shape{2, 3});
  CHECK(cols.to_vector<double>() == D{1, 2, 7, 3, 4, 8});
  // int64 tensors join too (no gradient).
  const Tensor ids = cat({Tensor::arange(2), Tensor::arange(3)}, 0);
  CHECK(ids.to_vector<int64_t>() == I{0, 1, 0, 1, 2});
}

TEST_CASE("cat: errors name the offending input and the shapes") {
  CHECK_THROWS_WITH_AS(cat({}, 0), "cat: expected at least one tensor, got an empty list", Error);
  CHECK_THROWS_WITH_AS(cat({Tensor::zeros({2, 3}), Tensor::zeros({2, 3}), Tensor::zeros({3})}, 0),
                       "cat: input 2 has shape [3] but input 0 has shape [2, 3]; all dims except dim 0 must match",
                       Error);
  CHECK_THROWS_WITH_AS(cat({Tensor::zeros({2, 3}), Tensor::zeros({2, 4})}, 0),
                       "cat: input 1 has shape [2, 4] but input 0 has shape [2, 3]; all dims except dim 0 must match",
                       Error);
  CHECK_THROWS_WITH_AS(cat({Tensor::zeros({2}), Tensor::zeros({2}, DType::Float64)}, 0),
                       "cat: input 1 is float64 [2] but input 0 is float32 [2]", Error);
  CHECK_THROWS_WITH_AS(cat({Tensor::zeros({2})}, 1), doctest::Contains("cat: dim 1 is out of range"), Error);
}

TEST_CASE("stack: a new first or last dim, gradient selected back") {
  Tensor a = Tensor::from_vector<double>({1, 2, 3}, {3}).set_requires_grad();
  Tensor b = Tensor::from_vector<double>({4, 5, 6}, {3}).set_requires_grad();
  const Tensor first = stack({a, b}, 0);
  CHECK(first.shape() == Shape{2, 3});
  CHECK(first.to_vector<double>() == D{1, 2, 3, 4, 5, 6});
  const Tensor last = stack({a, b}, -1);
  CHECK(last.shape() == Shape{3, 2});
  CHECK(last.to_vector<double>() == D{1, 4, 2, 5, 3, 6});
  const Tensor w = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {3, 2});
  sum(last * w).backward();
  CHECK(a.grad().to_vector<double>() == D{1, 3, 5});
  CHECK(b.grad().to_vector<double>() == D{2, 4, 6});
  CHECK_THROWS_WITH_AS(stack({}, 0), "stack: expected at least one tensor, got an empty list", Error);
  CHECK_THROWS_WITH_AS(stack({Tensor::zeros({3}), Tensor::zeros({2})}, 0),
                       "stack: input 1 has shape [2] but input 0 has shape [3]; all inputs must have the same shape",
                       Error);
}

TEST_CASE("masked_fill: broadcast masks of any dtype, masked positions get no gradient") {
  Tensor x = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad();
  const Tensor column_mask = Tensor::from_vector<int64_t>(I{0, 1, 0}, {3});
  const Tensor out = masked_fill(x, column_mask, -9);
  CHECK(out.to_vector<double>() == D{1, -9, 3, 4, -9, 6});
  const Tensor w = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  sum(out * w).backward();
  CHECK(x.grad().to_vector<double>() == D{1, 0, 3, 4, 0, 6});
  // A float row mask (nonzero = masked) on a float32 tensor.
  const Tensor row_mask = Tensor::from_vector<float>({0.f, 0.5f}, {2, 1});
  CHECK(masked_fill(x.detach().to(DType::Float32), row_mask, 0).to_vector<float>() ==
        std::vector<float>{1, 2, 3, 0, 0, 0});
  CHECK_THROWS_WITH_AS(masked_fill(x, Tensor::zeros({2}, DType::Int64), 0),
                       doctest::Contains("masked_fill: shapes [2, 3] and [2] cannot be broadcast"), Error);
  CHECK_THROWS_WITH_AS(masked_fill(x, Tensor::zeros({4, 2, 3}, DType::Int64), 0),
                       "masked_fill: mask of shape [4, 2, 3] does not broadcast to x of shape [2, 3]", Error);
}

TEST_CASE("where: all three broadcast, gradient routed by the condition and summed to each shape") {
  const Tensor cond = Tensor::from_vector<int64_t>(I{1, 0}, {2, 1});
  Tensor a = Tensor::from_vector<double>({1, 2, 3}, {1, 3}).set_requires_grad();
  Tensor b = Tensor::from_vector<double>({-1, -2}, {2, 1}).set_requires_grad();
  const Tensor out = where(cond, a, b);
  CHECK(out.shape() == Shape{2, 3});
  CHECK(out.to_vector<double>() == D{1, 2, 3, -2, -2, -2});
  const Tensor w = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  sum(out * w).backward();
  CHECK(a.grad().to_vector<double>() == D{1, 2, 3});  // only row 0 chose a
  CHECK(b.grad().to_vector<double>() == D{0, 15});    // row 1 chose b: 4 + 5 + 6
  CHECK_THROWS_WITH_AS(where(cond, Tensor::zeros({2}), Tensor::zeros({2}, DType::Float64)),
                       doctest::Contains("where: dtype mismatch"), Error);
  CHECK_THROWS_WITH_AS(where(Tensor::zeros({3}, DType::Int64), Tensor::zeros({2}), Tensor::zeros({2})),
                       doctest::Contains("where: shapes [3] and [2] cannot be broadcast"), Error);
}

TEST_CASE("gradcheck: every indexing catalogue case") { check_catalogue_family("indexing/"); }
