#pragma once
// exp, sigmoid and tanh in float32 written with plain arithmetic, so that a loop calling them
// vectorises (`#pragma omp simd`): glibc's expf and tanhf are calls the compiler cannot vectorise
// without -ffast-math. The float64 overloads are std::exp and std::tanh, so float64 computations
// (the gradient checks) are unchanged.
//
// Accuracy (tests/framework/cpu/test_fast_math.cpp, against float64 on every 7th float of
// [-87, 88] for exp and of [-30, 30] for sigmoid and tanh; beyond, they saturate): exp within
// 2 units in the last place (0.98 measured), sigmoid and tanh within 2e-7 absolute (9e-8
// measured). Every value is computed with the same IEEE operations in scalar and in vector
// code (the build does not contract to fused multiply-adds), so results do not depend on the
// vector width.
//
// exp (Cephes' expf): x = k ln2 + r with k = round(x / ln2) and |r| <= ln2 / 2, ln2 split into a
// part exact in float and a small correction (Cody–Waite); e^r = 1 + r + r² P(r), P of degree 5;
// e^x = 2^k e^r, 2^k built from its exponent bits. Inputs are clamped to [-87.3, 88] (results
// from 1.2e-38, about the smallest normal float, to 1.7e38): below, the result is 1.2e-38 instead
// of smaller or 0, above 1.7e38 instead of larger or infinite. NaN stays NaN.
#include <bit>
#include <cmath>
#include <cstdint>

namespace fw::cpu {

inline float fast_exp(float x) {
  constexpr float kHi = 88.0f, kLo = -87.3f;
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  constexpr float kRound = 12582912.0f;  // 1.5 · 2^23: adding it rounds to an integer
  x = x > kHi ? kHi : x;                 // comparisons with NaN are false: NaN passes through
  x = x < kLo ? kLo : x;
  // t = 1.5 · 2^23 + k exactly: k is t's lowest mantissa bits, read without a float-to-int cast.
  const float t = x * kLog2e + kRound;
  const float k = t - kRound;
  const uint32_t k_bits = std::bit_cast<uint32_t>(t) - std::bit_cast<uint32_t>(kRound);  // k mod 2^32
  const float r = (x - k * kLn2Hi) - k * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * (r * r) + r + 1.0f;
  const float two_k = std::bit_cast<float>((k_bits + 127u) << 23);
  return e * two_k;
}

// 1 / (1 + e^-x).
inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

// Cephes' tanhf: for |x| < 0.625 the odd polynomial x + x³ Q(x²) (no cancellation near 0),
// otherwise 1 − 2 / (e^{2|x|} + 1) with the sign of x. Both are computed and one is selected, so
// the loop has no branch.
inline float fast_tanh(float x) {
  const float a = std::fabs(x);
  const float z = x * x;
  float q = -5.70498872745e-3f;
  q = q * z + 2.06390887954e-2f;
  q = q * z - 5.37397155531e-2f;
  q = q * z + 1.33314422036e-1f;
  q = q * z - 3.33332819422e-1f;
  const float small = q * z * x + x;
  const float large = std::copysign(1.0f - 2.0f / (fast_exp(2.0f * a) + 1.0f), x);
  return a < 0.625f ? small : large;
}

inline double fast_exp(double x) { return std::exp(x); }
inline double fast_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double fast_tanh(double x) { return std::tanh(x); }

}  // namespace fw::cpu
