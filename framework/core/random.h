#pragma once
// A seeded random generator. The bit stream is std::mt19937_64 (fully specified by the C++
// standard); the conversions to uniform and normal numbers are our own, so the same seed
// gives the same numbers with every compiler and standard library.
#include <cstdint>
#include <random>
#include <string>

namespace fw {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed) {}
  void seed(uint64_t seed) { engine_.seed(seed); }

  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  // Standard normal (Box-Muller; no cached second value, so the stream is simple to reason about).
  double normal();
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n);

  // The whole state as text, for checkpoints that must resume the same stream.
  std::string state() const;
  void set_state(const std::string& state);

 private:
  std::mt19937_64 engine_;
};

}  // namespace fw
