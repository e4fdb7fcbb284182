#pragma once
// The textured backgrounds of the synthetic pictures: low-saturation greys and beiges, so that the
// saturated objects stand out by saturation alone (the region descriptor's foreground test).
//   PictureBackground background = sample_background(128, 128, gen);
//   Rgb pixel = background_pixel(background, 10, 20);
//   paint_background(background, picture);          // every pixel, the same values, faster
//
// A pixel's grey level is
//   L = clamp(brightness + contrast * pattern(x + 0.5, y + 0.5) + grain * hash(x, y), 90, 200)
// with pattern in [-1, 1] and hash uniform in [-1, 1] per pixel (the grain). Its colour is L times the
// tint (1, 1 - 0.05 w, 1 - 0.14 w) for the warmth w in [0, 1] (grey to beige), so max - min of the
// channels is at most 0.14 * 200 = 28 (saturation <= 0.11, plus rounding). The patterns:
//   noise    0.65 n(p / cell) + 0.35 n(2 p / cell), n = smooth value noise (value_noise)
//   stripes  0.8 sin(2 pi (x cos a + y sin a) / period + phase) + 0.2 n(p / cell)
//   checks   0.8 (+1 or -1 on alternate squares of side check_side) + 0.2 n(p / cell)
#include <cstdint>

#include "framework/core/random.h"
#include "models/scan/visual/image.h"

namespace scan {

enum BackgroundKind : int64_t { kNoiseBackground, kStripeBackground, kCheckBackground, kNumBackgroundKinds };

inline constexpr double kBackgroundMinLevel = 90, kBackgroundMaxLevel = 200;

struct PictureBackground {
  int64_t kind = kNoiseBackground;
  double brightness = 145;      // mean grey level
  double contrast = 20;         // amplitude of the pattern
  double grain = 4;             // amplitude of the per-pixel grain
  double warmth = 0;            // 0 grey .. 1 beige
  double noise_cell = 32;       // lattice spacing of the value noise, pixels
  double period = 16;           // stripes: pixels per light-dark cycle
  double angle = 0, phase = 0;  // stripes: direction and offset, radians
  double check_side = 16;       // checks: side of a square, pixels
  uint64_t texture_seed = 0;    // the noise lattice and the grain
};

PictureBackground sample_background(int width, int height, fw::Generator& gen);

// Smooth value noise in [-1, 1]: random values on the integer lattice (a hash of seed and the
// lattice point) blended with the smoothstep weights 3t^2 - 2t^3, so it is continuous and smooth.
double value_noise(uint64_t seed, double x, double y);

Rgb background_pixel(const PictureBackground& background, int x, int y);
// background_pixel for every pixel of `image` (the noise lattice is hashed once per picture).
void paint_background(const PictureBackground& background, Image& image);

}  // namespace scan
