// The views and copies of ops/view_ops.cpp: gradients worked out by hand, and every view case of
// the op catalogue through gradcheck (the forward values of views are tested with the Tensor
// handle in tests/framework/core/test_tensor.cpp).
#include <doctest/doctest.h>

#include <vector>

#include "framework/core/tensor.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

TEST_CASE("view backward: narrow scatters into zeros, expand sums, transpose transposes") {
  Tensor x = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad();
  // d/dx Σ (narrow(x, 1, 1, 2) ⊙ [[10, 20], [30, 40]]): the weights land in columns 1 and 2.
  sum(x.narrow(1, 1, 2) * Tensor::from_vector<double>({10, 20, 30, 40}, {2, 2})).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, 10, 20, 0, 30, 40});

  Tensor b = Tensor::from_vector<double>({1, 2, 3}, {3}).set_requires_grad();
  sum(b.expand({4, 3})).backward();  // each element used 4 times
  CHECK(b.grad().to_vector<double>() == std::vector<double>{4, 4, 4});

  Tensor m = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad();
  sum(m.transpose(0, 1) * Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {3, 2})).backward();
  // the [3, 2] weights seen through the transpose: m.grad[i, j] = W[j, i]
  CHECK(m.grad().to_vector<double>() == std::vector<double>{1, 3, 5, 2, 4, 6});
}

TEST_CASE("gradcheck: every view catalogue case") { check_catalogue_family("view/"); }
