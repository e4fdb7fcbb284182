// The device parity runner (framework/testing/parity.h), here with the CPU as the device: every
// catalogue case agrees with itself, and a backend with a planted wrong kernel is caught, both a
// wrong value and an output element left unwritten.
#include "framework/testing/parity.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "framework/cpu/cpu_backend.h"
#include "models/scan/testing/scan_catalogue.h"

using namespace fw;

namespace {

// The CPU backend but for one elementwise formula, computed wrongly.
class PlantedBackend final : public cpu::CpuBackend {
 public:
  enum class Fault { ScaledExp, UnwrittenNeg, TinyExpError };
  explicit PlantedBackend(Fault fault) : fault_(fault) {}

  void elementwise(ElementwiseOp op, Tensor& out, std::span<const Tensor> inputs, double scalar) override {
    if (op == ElementwiseOp::Neg && fault_ == Fault::UnwrittenNeg) return;  // forgets to write its output
    CpuBackend::elementwise(op, out, inputs, scalar);
    if (op != ElementwiseOp::Exp || fault_ == Fault::UnwrittenNeg) return;
    const double factor = fault_ == Fault::ScaledExp ? 1.001 : 1.0 + 1e-7;
    const std::array<Tensor, 1> in{out.detach()};
    CpuBackend::elementwise(ElementwiseOp::MulScalar, out, in, factor);
  }

 private:
  Fault fault_;
};

const testing::OpCase& find_case(const std::string& name) {
  for (const auto& c : scan::scan_catalogue())
    if (c.name == name) return c;
  FAIL("no catalogue case " << name);
  throw;
}

}  // namespace

TEST_CASE("parity: every catalogue case on the CPU agrees with the CPU, with fresh memory poisoned") {
  int cases = 0;
  for (const auto& c : scan::scan_catalogue()) {
    CAPTURE(c.name);
    const testing::ParityResult r = testing::run_parity(c, Device::cpu());
    CHECK(r.passed);
    CHECK(r.elements > 0);
    CHECK(r.forward_error == 0.0);  // the same kernels on the same inputs: bitwise equal
    CHECK(r.gradient_error == 0.0);
    ++cases;
  }
  CHECK(cases > 100);
}

TEST_CASE("parity: a planted wrong kernel fails, a rounding-sized difference passes") {
  const testing::OpCase& exp_case = find_case("unary/exp");
  PlantedBackend scaled(PlantedBackend::Fault::ScaledExp);
  const testing::ParityResult wrong = testing::run_parity(exp_case, Device::cpu(), {}, &scaled);
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.forward_error > 1.0);
  CHECK(wrong.worst.find("output element") != std::string::npos);

  PlantedBackend tiny(PlantedBackend::Fault::TinyExpError);
  const testing::ParityResult close = testing::run_parity(exp_case, Device::cpu(), {}, &tiny);
  CHECK(close.passed);
  CHECK(close.forward_error > 0.0);

  // Output never written: the poisoned memory (NaN) shows, it does not pass by luck.
  PlantedBackend unwritten(PlantedBackend::Fault::UnwrittenNeg);
  const testing::ParityResult missing = testing::run_parity(find_case("elementwise/neg"), Device::cpu(), {},
                                                            &unwritten);
  CHECK_FALSE(missing.passed);
  CHECK(std::isinf(missing.forward_error));
}
