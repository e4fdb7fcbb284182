#include "models/scan/pictures/picture_palette.h"

#include <algorithm>

#include "framework/core/error.h"
#include "models/scan/pictures/picture_words.h"

namespace scan {

namespace {

// A jitter of up to 12 per channel moves these hues by less than 10 degrees (green, the least
// saturated, is the worst case), so a jittered colour stays in its +-15 degree hue bin.
constexpr Rgb kBaseColours[kNumPictureColours] = {
    {220, 30, 30},   // red      hue 0
    {30, 180, 30},   // green    hue 120
    {30, 30, 225},   // blue     hue 240
    {225, 225, 25},  // yellow   hue 60
    {125, 30, 220},  // purple   hue 270
    {240, 120, 0},   // orange   hue 30
};

uint8_t jitter_channel(uint8_t value, fw::Generator& gen) {
  const int delta = static_cast<int>(gen.below(2 * kColourJitter + 1)) - kColourJitter;
  return static_cast<uint8_t>(std::clamp(static_cast<int>(value) + delta, 0, 255));
}

}  // namespace

Rgb picture_base_colour(int64_t colour) {
  fw::check(colour >= 0 && colour < kNumPictureColours, "picture_base_colour", "expected a colour in 0..",
            kNumPictureColours - 1, ", got ", colour);
  return kBaseColours[colour];
}

Rgb jittered_colour(int64_t colour, fw::Generator& gen) {
  const Rgb base = picture_base_colour(colour);
  const uint8_t r = jitter_channel(base.r, gen);
  const uint8_t g = jitter_channel(base.g, gen);
  const uint8_t b = jitter_channel(base.b, gen);
  return {r, g, b};
}

double pixel_hue(Rgb pixel) {
  const int r = pixel.r, g = pixel.g, b = pixel.b;
  const int hi = std::max({r, g, b}), lo = std::min({r, g, b});
  if (hi == lo) return 0.0;
  const double span = hi - lo;
  double hue;  // the standard hexcone formula
  if (hi == r)
    hue = 60.0 * (g - b) / span;
  else if (hi == g)
    hue = 60.0 * (2.0 + (b - r) / span);
  else
    hue = 60.0 * (4.0 + (r - g) / span);
  return hue < 0 ? hue + 360.0 : hue;
}

double pixel_saturation(Rgb pixel) {
  const int hi = std::max({pixel.r, pixel.g, pixel.b}), lo = std::min({pixel.r, pixel.g, pixel.b});
  return (hi - lo) / 255.0;
}

}  // namespace scan
