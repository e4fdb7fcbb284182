#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "framework/cpu/fast_math.h"

using namespace fw::cpu;

namespace {

// Units in the last place of `got` against the float64 value `want` (the float spacing at want).
double ulps(float got, double want) {
  const float w = static_cast<float>(want);
  const double spacing = std::nextafter(w, std::numeric_limits<float>::infinity()) - w;
  return std::fabs(static_cast<double>(got) - want) / spacing;
}

// Every 7th float between lo and hi (a few million values), plus both ends.
template <typename F>
void for_floats(float lo, float hi, F&& f) {
  for (float x = lo; x < hi;) {
    f(x);
    for (int k = 0; k < 7; ++k) x = std::nextafter(x, hi);
  }
  f(hi);
}

}  // namespace

TEST_CASE("fast_exp is within 2 ulps of exp over the normal range") {
  double worst = 0;
  for_floats(-87.0f, 88.0f, [&](float x) { worst = std::max(worst, ulps(fast_exp(x), std::exp(double{x}))); });
  MESSAGE("fast_exp: worst ", worst, " ulps");
  CHECK(worst <= 2.0);
  CHECK(fast_exp(0.0f) == 1.0f);
  CHECK(fast_exp(1.0f) == doctest::Approx(2.718281828).epsilon(2e-7));
}

TEST_CASE("fast_exp saturates outside its range and keeps NaN") {
  CHECK(fast_exp(-1000.0f) > 0.0f);
  CHECK(fast_exp(-1000.0f) < 1.3e-38f);
  CHECK(fast_exp(1000.0f) == fast_exp(88.0f));
  CHECK(std::isfinite(fast_exp(std::numeric_limits<float>::infinity())));
  CHECK(std::isnan(fast_exp(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("fast_sigmoid and fast_tanh are within 2e-7 of float64 and tanh is relatively exact near 0") {
  double worst_sigmoid = 0, worst_tanh = 0, worst_tanh_relative = 0;
  for_floats(-30.0f, 30.0f, [&](float x) {
    const double s = 1.0 / (1.0 + std::exp(-double{x})), t = std::tanh(double{x});
    worst_sigmoid = std::max(worst_sigmoid, std::fabs(fast_sigmoid(x) - s));
    worst_tanh = std::max(worst_tanh, std::fabs(fast_tanh(x) - t));
    if (std::fabs(x) < 0.625f && x != 0.0f) worst_tanh_relative = std::max(worst_tanh_relative, ulps(fast_tanh(x), t));
  });
  MESSAGE("sigmoid ", worst_sigmoid, ", tanh ", worst_tanh, ", tanh near 0: ", worst_tanh_relative, " ulps");
  CHECK(worst_sigmoid <= 2e-7);
  CHECK(worst_tanh <= 2e-7);
  CHECK(worst_tanh_relative <= 3.0);  // the polynomial branch: no cancellation near 0
  CHECK(fast_tanh(0.0f) == 0.0f);
  CHECK(fast_tanh(100.0f) == 1.0f);
  CHECK(fast_tanh(-100.0f) == -1.0f);
  CHECK(fast_sigmoid(-200.0f) >= 0.0f);
  CHECK(fast_sigmoid(200.0f) == 1.0f);
  CHECK(std::isnan(fast_tanh(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("fast math gives the same bits in a vectorised loop as one value at a time") {
  std::vector<float> x;
  for (int i = 0; i < 4096; ++i) x.push_back(-40.0f + 80.0f * static_cast<float>(i) / 4096.0f);
  std::vector<float> e(x.size()), s(x.size()), t(x.size());
#pragma omp simd
  for (size_t i = 0; i < x.size(); ++i) {
    e[i] = fast_exp(x[i]);
    s[i] = fast_sigmoid(x[i]);
    t[i] = fast_tanh(x[i]);
  }
  int mismatches = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    volatile float xi = x[i];  // keeps the scalar calls scalar
    mismatches += e[i] != fast_exp(float{xi}) || s[i] != fast_sigmoid(float{xi}) || t[i] != fast_tanh(float{xi});
  }
  CHECK(mismatches == 0);
}

TEST_CASE("the float64 overloads are the standard functions") {
  CHECK(fast_exp(0.3) == std::exp(0.3));
  CHECK(fast_tanh(0.3) == std::tanh(0.3));
  CHECK(fast_sigmoid(0.3) == 1.0 / (1.0 + std::exp(-0.3)));
}
