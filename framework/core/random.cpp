#include "framework/core/random.h"

#include <cmath>
#include <numbers>
#include <sstream>

#include "framework/core/error.h"

namespace fw {

double Generator::normal() {
  // Box-Muller: u1 in (0, 1] so that log(u1) is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

uint64_t Generator::below(uint64_t n) {
  check(n > 0, "Generator::below", "expected n > 0");
  // Rejection sampling removes the modulo bias.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = engine_(); while (x >= limit);
  return x % n;
}

std::string Generator::state() const {
  std::ostringstream out;
  out << engine_;
  return out.str();
}

void Generator::set_state(const std::string& state) {
  // Parsed into a copy, so that a bad text leaves this generator as it was; nothing may follow it.
  std::istringstream in(state);
  std::mt19937_64 parsed;
  in >> parsed;
  check(!in.fail() && (in >> std::ws).eof(), "Generator::set_state", "the text is not a saved generator state");
  engine_ = parsed;
}

}  // namespace fw
