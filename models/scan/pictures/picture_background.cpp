#include "models/scan/pictures/picture_background.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace scan {

namespace {

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [-1, 1) from the seed and an integer point.
double hash_value(uint64_t seed, int64_t x, int64_t y) {
  const uint64_t h = mix(seed ^ mix(static_cast<uint64_t>(x) * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(y)));
  return static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0;
}

double smoothstep(double t) { return t * t * (3 - 2 * t); }

// Value noise over lattice values given by `lattice(ix, iy)`.
template <typename Lattice>
double blended_noise(const Lattice& lattice, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<int64_t>(fx), iy = static_cast<int64_t>(fy);
  const double sx = smoothstep(x - fx), sy = smoothstep(y - fy);
  const double top = lattice(ix, iy) * (1 - sx) + lattice(ix + 1, iy) * sx;
  const double bottom = lattice(ix, iy + 1) * (1 - sx) + lattice(ix + 1, iy + 1) * sx;
  return top * (1 - sy) + bottom * sy;
}

// The lattice values of one seed, hashed at every look-up.
struct HashedLattice {
  uint64_t seed;
  double operator()(int64_t x, int64_t y) const { return hash_value(seed, x, y); }
};

// The lattice values of one seed over 0..columns-1 x 0..rows-1, hashed once.
class CachedLattice {
 public:
  CachedLattice(uint64_t seed, int64_t columns, int64_t rows) : columns_(columns) {
    values_.resize(static_cast<std::size_t>(columns * rows));
    for (int64_t y = 0; y < rows; ++y)
      for (int64_t x = 0; x < columns; ++x) values_[y * columns + x] = hash_value(seed, x, y);
  }
  double operator()(int64_t x, int64_t y) const { return values_[y * columns_ + x]; }

 private:
  int64_t columns_;
  std::vector<double> values_;
};

constexpr uint64_t kFineNoiseSalt = 0x51ED270B27A4F3C1ULL, kGrainSalt = 0x2545F4914F6CDD1DULL;

// The pattern at (x, y); the noise n(p / cell) is read from the coarse lattice, n(2 p / cell) from the fine one.
template <typename Lattice>
double pattern(const PictureBackground& background, double x, double y, const Lattice& coarse_lattice,
               const Lattice& fine_lattice) {
  const double u = x / background.noise_cell, v = y / background.noise_cell;
  const auto coarse = [&](double a, double b) { return blended_noise(coarse_lattice, a, b); };
  switch (background.kind) {
    case kStripeBackground: {
      const double along = x * std::cos(background.angle) + y * std::sin(background.angle);
      return 0.8 * std::sin(2 * std::numbers::pi * along / background.period + background.phase) + 0.2 * coarse(u, v);
    }
    case kCheckBackground: {
      const auto i = static_cast<int64_t>(std::floor(x / background.check_side));
      const auto j = static_cast<int64_t>(std::floor(y / background.check_side));
      return 0.8 * ((i + j) % 2 == 0 ? 1.0 : -1.0) + 0.2 * coarse(u, v);
    }
    default: return 0.65 * coarse(u, v) + 0.35 * blended_noise(fine_lattice, 2 * u, 2 * v);
  }
}

template <typename Lattice>
Rgb shade(const PictureBackground& background, int x, int y, const Lattice& coarse, const Lattice& fine) {
  double level = background.brightness + background.contrast * pattern(background, x + 0.5, y + 0.5, coarse, fine) +
                 background.grain * hash_value(background.texture_seed ^ kGrainSalt, x, y);
  level = std::clamp(level, kBackgroundMinLevel, kBackgroundMaxLevel);
  const double w = background.warmth;
  const auto channel = [&](double tint) { return static_cast<uint8_t>(std::lround(level * tint)); };
  return {channel(1.0), channel(1.0 - 0.05 * w), channel(1.0 - 0.14 * w)};
}

}  // namespace

PictureBackground sample_background(int width, int height, fw::Generator& gen) {
  const double side = std::min(width, height);
  PictureBackground background;
  background.kind = static_cast<int64_t>(gen.below(kNumBackgroundKinds));
  background.contrast = gen.uniform(8, 30);
  background.grain = gen.uniform(2, 7);
  const double margin = background.contrast + background.grain;  // keeps most pixels off the clamp
  background.brightness = gen.uniform(kBackgroundMinLevel + margin, kBackgroundMaxLevel - margin);
  background.warmth = gen.uniform();
  background.noise_cell = gen.uniform(0.15, 0.35) * side;
  background.period = std::max(4.0, gen.uniform(0.05, 0.16) * side);
  background.angle = gen.uniform(0, std::numbers::pi);
  background.phase = gen.uniform(0, 2 * std::numbers::pi);
  background.check_side = std::max(4.0, gen.uniform(0.06, 0.16) * side);
  background.texture_seed = gen.next_u64();
  return background;
}

double value_noise(uint64_t seed, double x, double y) { return blended_noise(HashedLattice{seed}, x, y); }

Rgb background_pixel(const PictureBackground& background, int x, int y) {
  const uint64_t seed = background.texture_seed;
  return shade(background, x, y, HashedLattice{seed}, HashedLattice{seed ^ kFineNoiseSalt});
}

void paint_background(const PictureBackground& background, Image& image) {
  // The fine lattice is read at points up to 2 (size - 0.5) / cell and one past them, the coarse one at
  // half of that: floor(2 size / cell) + 2 points per side cover both.
  const double cell = background.noise_cell;
  const auto columns = static_cast<int64_t>(2 * (image.width() / cell) + 3);
  const auto rows = static_cast<int64_t>(2 * (image.height() / cell) + 3);
  const CachedLattice coarse(background.texture_seed, columns, rows);
  const CachedLattice fine(background.texture_seed ^ kFineNoiseSalt, columns, rows);
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) image.at(x, y) = shade(background, x, y, coarse, fine);
}

}  // namespace scan
