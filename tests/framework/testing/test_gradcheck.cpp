#include <doctest/doctest.h>

#include "framework/testing/gradcheck.h"
#include "framework/autograd/node.h"
#include "framework/core/random.h"
#include "framework/ops/elementwise.h"

using namespace fw;

namespace {

// y = x, with a deliberately wrong backward that returns 2g instead of g.
Tensor bogus_identity(const Tensor& x) {
  const Tensor out = x.detach().clone();
  return record1("bogus_identity", out, {x}, [](const Tensor& g) { return std::vector<Tensor>{g * 2.0}; });
}

Tensor random64(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return Tensor::uniform(shape, -1, 1, gen, DType::Float64);
}

}  // namespace

TEST_CASE("gradcheck passes for correct backwards") {
  const GradcheckResult r =
      gradcheck([](const std::vector<Tensor>& x) { return x[0] * x[1] + x[0] / (x[1] + 3.0); },
                {random64({2, 3}, 1), random64({3}, 2)});
  INFO(r.worst);
  CHECK(r.passed);
  CHECK(r.elements_checked == 6 + 3);
  CHECK(r.max_abs_error < 1e-8);
  CHECK(r.worst.rfind("input ", 0) == 0);
}

TEST_CASE("gradcheck detects a wrong backward and says where") {
  const GradcheckResult r = gradcheck(
      [](const std::vector<Tensor>& x) { return x[0] * 0.5 + bogus_identity(x[1]); },
      {random64({2}, 3), random64({2, 2}, 4)});
  CHECK_FALSE(r.passed);
  CHECK(r.elements_checked == 2 + 4);
  // analytic 2w vs numeric w for every element of input 1: the relative error is 1/2.
  CHECK(r.max_rel_error == doctest::Approx(0.5).epsilon(1e-6));
  CHECK(r.max_abs_error > 1e-3);
  INFO(r.worst);
  CHECK(r.worst.rfind("input 1 [", 0) == 0);  // input 1 and its multi-index, e.g. "input 1 [0, 1]: ..."
  CHECK(r.worst.find("analytic") != std::string::npos);
  CHECK(r.worst.find("numeric") != std::string::npos);
}

TEST_CASE("gradcheck leaves the inputs' values unchanged") {
  const Tensor x = random64({3, 2}, 5);
  const std::vector<double> before = x.to_vector<double>();
  gradcheck([](const std::vector<Tensor>& in) { return in[0] * in[0]; }, {x});
  CHECK(x.to_vector<double>() == before);
  CHECK_FALSE(x.requires_grad());  // gradcheck marks its own detached copies, not the caller's tensor
}

TEST_CASE("gradcheck works on non-contiguous inputs") {
  const Tensor base = random64({3, 2}, 6);
  const Tensor transposed = base.transpose(0, 1);  // [2, 3], strides [1, 2]
  const Tensor narrowed = random64({2, 6}, 7).narrow(1, 1, 3);
  REQUIRE_FALSE(transposed.is_contiguous());
  REQUIRE_FALSE(narrowed.is_contiguous());
  const GradcheckResult good =
      gradcheck([](const std::vector<Tensor>& x) { return x[0] * x[1] * x[0]; }, {transposed, narrowed});
  INFO(good.worst);
  CHECK(good.passed);
  CHECK(good.elements_checked == 12);

  const GradcheckResult bad =
      gradcheck([](const std::vector<Tensor>& x) { return bogus_identity(x[0]); }, {transposed});
  CHECK_FALSE(bad.passed);
}

TEST_CASE("gradcheck rejects inputs it cannot check, with clear errors") {
  const auto f = [](const std::vector<Tensor>& x) { return x[0] * 2.0; };
  CHECK_THROWS_WITH_AS(gradcheck(f, {Tensor::ones({2}, DType::Float32)}),
                       doctest::Contains("gradcheck: input 0 is float32; finite differences need float64 inputs"),
                       Error);
  CHECK_THROWS_WITH_AS(gradcheck(f, {Tensor::ones({1, 3}, DType::Float64).expand({2, 3})}),
                       doctest::Contains("gradcheck: input 0 is an expanded view (stride 0)"), Error);
  Tensor a = Tensor::ones({2}, DType::Float64).set_requires_grad();
  CHECK_THROWS_WITH_AS(gradcheck(f, {a * 2.0}), doctest::Contains("gradcheck: input 0 must be a leaf tensor"), Error);
  CHECK_THROWS_WITH_AS(
      gradcheck([](const std::vector<Tensor>& x) { return x[0].to(DType::Float32); }, {Tensor::ones({2}, DType::Float64)}),
      doctest::Contains("gradcheck: the function returned float32, expected float64"), Error);
}

TEST_CASE("gradcheck options: a looser tolerance accepts what the default rejects") {
  const auto f = [](const std::vector<Tensor>& x) { return bogus_identity(x[0]); };
  const Tensor x = random64({2}, 8);
  CHECK_FALSE(gradcheck(f, {x}).passed);
  CHECK(gradcheck(f, {x}, GradcheckOptions{.atol = 10, .rtol = 0}).passed);
}
