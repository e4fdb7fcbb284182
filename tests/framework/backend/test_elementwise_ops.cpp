// The elementwise formulas of backend/elementwise_ops.h, evaluated directly, and the table that
// maps each op code to its functor.
#include "framework/backend/elementwise_ops.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "framework/backend/backend.h"
#include "framework/core/error.h"
#include "framework/cpu/cpu_backend.h"

using namespace fw;
using E = ElementwiseOp;

template <E Op, typename... T>
double eval(double s, T... x) {
  ElementwiseFn<Op> fn;
  fn.s = s;
  return fn(x...);
}

TEST_CASE("elementwise formulas: values worked out by hand") {
  CHECK(eval<E::MulScalar>(3.0, 2.0f) == 6.0);
  CHECK(eval<E::RDivScalar>(1.0, 4.0) == 0.25);
  CHECK(eval<E::Pow>(3.0, 2.0) == 8.0);
  CHECK(eval<E::Sign>(0.0, -2.5) == -1.0);
  CHECK(eval<E::Sign>(0.0, 0.0) == 0.0);
  CHECK(eval<E::LeakyRelu>(0.1, -2.0) == doctest::Approx(-0.2));
  CHECK(eval<E::LeakyReluDerivative>(0.1, -2.0) == doctest::Approx(0.1));
  CHECK(eval<E::ClampMin>(1.0, 0.5) == 1.0);
  CHECK(eval<E::AddScaled>(0.5, 1.0, 4.0) == 3.0);
  CHECK(eval<E::Sigmoid>(0.0, -100.0f) > 0.0);  // no overflow for a large negative input
  CHECK(eval<E::Sigmoid>(0.0, 0.0) == 0.5);
  CHECK(std::isnan(eval<E::Relu>(0.0, std::numeric_limits<double>::quiet_NaN())));
  // cosine from sums: w12 / max(sqrt(w1) sqrt(w2), eps); a NaN norm stays NaN, as std::max does.
  CHECK(eval<E::CosineFromSums>(1e-8, 3.0, 4.0, 9.0) == doctest::Approx(0.5));
  CHECK(eval<E::CosineFromSums>(1e-8, 0.0, 0.0, 0.0) == 0.0);
  CHECK(std::isnan(eval<E::CosineFromSums>(1e-8, 1.0, std::numeric_limits<double>::quiet_NaN(), 1.0)));
  // l2norm's backward at a zero vector: g / eps, no NaN.
  CHECK(eval<E::L2NormBackward>(0.5, 2.0, 0.0, 0.0, 1.0) == 4.0);
  // ∂c/∂w1 = -c / (2 w1) · g with c = 6 / (2 · 3) = 1.
  CHECK(eval<E::CosineGradNorm1>(1e-8, 1.0, 6.0, 4.0, 9.0) == doctest::Approx(-1.0 / 8.0));
}

TEST_CASE("elementwise op codes: every code has its functor, a name and an arity") {
  std::set<std::string> names;
  for (int code = 0; code <= static_cast<int>(E::CosineGradNorm2); ++code) {
    const E op = static_cast<E>(code);
    const std::string name = elementwise_name(op);
    CAPTURE(name);
    CHECK(names.insert(name).second);  // no two codes share a functor
    CHECK(elementwise_arity(op) >= 1);
    CHECK(elementwise_arity(op) <= 4);
  }
  CHECK(std::string(elementwise_name(E::Exp)) == "Exp");
  CHECK(elementwise_arity(E::CosineFromSums) == 3);
}

TEST_CASE("cpu backend: supports and argument errors") {
  Backend& cpu = cpu::cpu_backend();
  CHECK(cpu.name() == "cpu");
  CHECK(cpu.supports(Kernel::Elementwise, DType::Float32));
  CHECK(cpu.supports(Kernel::Elementwise, DType::Float64));
  CHECK_FALSE(cpu.supports(Kernel::Elementwise, DType::Int64));
  CHECK(cpu.supports(Kernel::Copy, DType::Int64));
  CHECK(std::string(kernel_name(Kernel::CrossAttention)) == "cross_attention");
  Tensor out = Tensor::empty({2});
  const Tensor x = Tensor::ones({2});
  const std::array<Tensor, 1> one{x};
  CHECK_THROWS_WITH_AS(cpu.elementwise(E::Add, out, one), doctest::Contains("Add takes 2 inputs, got 1"), Error);
}
