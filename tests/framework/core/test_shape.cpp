#include <doctest/doctest.h>

#include "framework/core/error.h"
#include "framework/core/shape.h"

using namespace fw;

TEST_CASE("broadcast_shapes follows NumPy's rules") {
  CHECK(broadcast_shapes({2, 3}, {2, 3}, "op") == Shape{2, 3});
  CHECK(broadcast_shapes({2, 3}, {3}, "op") == Shape{2, 3});          // missing leading dims count as 1
  CHECK(broadcast_shapes({3}, {2, 3}, "op") == Shape{2, 3});
  CHECK(broadcast_shapes({2, 1}, {1, 3}, "op") == Shape{2, 3});       // both sides stretch
  CHECK(broadcast_shapes({5, 1, 4}, {3, 1}, "op") == Shape{5, 3, 4});
  CHECK(broadcast_shapes({2, 1, 3}, {5, 3}, "op") == Shape{2, 5, 3});
  CHECK(broadcast_shapes({}, {2, 2}, "op") == Shape{2, 2});           // a scalar broadcasts to anything
  CHECK(broadcast_shapes({}, {}, "op") == Shape{});
  CHECK(broadcast_shapes({0, 1}, {1, 4}, "op") == Shape{0, 4});       // 1 stretches to 0 as well
}

TEST_CASE("broadcast_shapes errors name the op, both shapes and the dim") {
  CHECK_THROWS_WITH_AS(broadcast_shapes({2, 3}, {4}, "add"),
                       "add: shapes [2, 3] and [4] cannot be broadcast together (dim 1: 3 vs 4)", Error);
  CHECK_THROWS_WITH_AS(broadcast_shapes({2, 4, 3}, {5, 3}, "mul"),
                       "mul: shapes [2, 4, 3] and [5, 3] cannot be broadcast together (dim 1: 4 vs 5)", Error);
  CHECK_THROWS_WITH_AS(broadcast_shapes({2, 4}, {3, 4}, "where"),
                       "where: shapes [2, 4] and [3, 4] cannot be broadcast together (dim 0: 2 vs 3)", Error);
}

TEST_CASE("normalize_dim wraps negative dims and rejects out-of-range ones") {
  CHECK(normalize_dim(0, 3, "op") == 0);
  CHECK(normalize_dim(2, 3, "op") == 2);
  CHECK(normalize_dim(-1, 3, "op") == 2);
  CHECK(normalize_dim(-3, 3, "op") == 0);
  CHECK_THROWS_WITH_AS(normalize_dim(3, 3, "softmax"), "softmax: dim 3 is out of range for a tensor of rank 3", Error);
  CHECK_THROWS_WITH_AS(normalize_dim(-4, 3, "sum"), "sum: dim -4 is out of range for a tensor of rank 3", Error);
  CHECK_THROWS_WITH_AS(normalize_dim(0, 0, "max"), "max: dim 0 is out of range for a tensor of rank 0", Error);
}

TEST_CASE("contiguous_strides, numel and shape_str") {
  CHECK(contiguous_strides({2, 3, 4}) == Strides{12, 4, 1});
  CHECK(contiguous_strides({5}) == Strides{1});
  CHECK(contiguous_strides({}) == Strides{});
  CHECK(contiguous_strides({3, 1, 2}) == Strides{2, 2, 1});
  CHECK(contiguous_strides({2, 0, 3}) == Strides{3, 3, 1});  // a zero-size dim does not zero the outer strides
  CHECK(numel({2, 3, 4}) == 24);
  CHECK(numel({}) == 1);
  CHECK(numel({2, 0}) == 0);
  CHECK(shape_str({2, 3}) == "[2, 3]");
  CHECK(shape_str({}) == "[]");
}
