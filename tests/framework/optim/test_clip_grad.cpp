#include "framework/optim/clip_grad.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace fw;
using fw::optim::clip_grad_norm;

namespace {

Tensor with_grad(const std::vector<double>& grad, DType dtype) {
  const int64_t n = static_cast<int64_t>(grad.size());
  Tensor p = Tensor::zeros({n}, dtype).set_requires_grad();
  p.set_grad(Tensor::from_vector<double>(grad, {n}).to(dtype));
  return p;
}

}  // namespace

// Gradients [3, 4] and [12]: total = sqrt(9 + 16 + 144) = 13.
TEST_CASE("clip_grad_norm: below the limit the gradients are unchanged") {
  for (DType dtype : {DType::Float64, DType::Float32}) {
    INFO(dtype_name(dtype));
    const Tensor a = with_grad({3, 4}, dtype), b = with_grad({12}, dtype);
    CHECK(clip_grad_norm({a, b}, 26.0) == 13.0);
    CHECK(a.grad().to_vector<double>() == std::vector<double>{3, 4});
    CHECK(b.grad().to_vector<double>() == std::vector<double>{12});
    CHECK(clip_grad_norm({a, b}, 13.0) == 13.0);  // coef = 13/(13 + 1e-6) < 1: scaled, by a hair
    CHECK(b.grad().item() == doctest::Approx(12.0 * 13.0 / (13.0 + 1e-6)).epsilon(1e-7));
    CHECK(b.grad().item() < 12.0);
  }
}

TEST_CASE("clip_grad_norm: above the limit every gradient is scaled by max_norm/(total + 1e-6)") {
  for (DType dtype : {DType::Float64, DType::Float32}) {
    INFO(dtype_name(dtype));
    const double eps = dtype == DType::Float64 ? 1e-14 : 1e-6;
    const Tensor a = with_grad({3, 4}, dtype), b = with_grad({12}, dtype);
    const Tensor no_grad = Tensor::zeros({2}, dtype).set_requires_grad();  // skipped
    CHECK(clip_grad_norm({a, no_grad, b}, 6.5) == 13.0);
    // coef = 6.5 / (13 + 1e-6) = 0.49999996153846454
    const double coef = 6.5 / (13.0 + 1e-6);
    CHECK(a.grad().at({0}) == doctest::Approx(3 * coef).epsilon(eps));  // 1.4999998846153937
    CHECK(a.grad().at({1}) == doctest::Approx(4 * coef).epsilon(eps));  // 1.9999998461538582
    CHECK(b.grad().item() == doctest::Approx(12 * coef).epsilon(eps));  // 5.999999538461575
    CHECK_FALSE(no_grad.grad().defined());
    CHECK(clip_grad_norm({a, b}, 6.5) == doctest::Approx(6.5).epsilon(1e-6));  // the norm before this call
  }
}

TEST_CASE("clip_grad_norm: many elements, no gradients at all, bad max_norm") {
  const Tensor big = with_grad(std::vector<double>(100000, 0.5), DType::Float32);
  CHECK(clip_grad_norm({big}, 1e9) == doctest::Approx(std::sqrt(100000 * 0.25)).epsilon(1e-12));
  CHECK(clip_grad_norm({Tensor::zeros({2}).set_requires_grad()}, 1.0) == 0.0);
  CHECK_THROWS_WITH_AS(clip_grad_norm({big}, -1.0), doctest::Contains("clip_grad_norm: max_norm must be non-negative"),
                       Error);
}
