#pragma once
// The RGB values the objects of the synthetic pictures are painted in: six saturated colours whose
// hues sit on the centres of the region descriptor's 30-degree hue bins (region_descriptor.h),
//   red 0, orange 30, yellow 60, green 120, blue 240, purple 270 degrees,
// so that the small per-object jitter (kColourJitter per channel) keeps each in its own bin. Every
// colour has max - min of its channels >= 150 (saturation >= 0.58), far above the backgrounds'.
//   Rgb paint = picture_base_colour(kOrange);              // {240, 120, 0}
//   Rgb drawn = jittered_colour(kOrange, gen);              // each channel moved by up to +-12
#include <cstdint>

#include "framework/core/random.h"
#include "models/scan/visual/image.h"

namespace scan {

inline constexpr int kColourJitter = 12;

Rgb picture_base_colour(int64_t colour);  // colour: a PictureColour
Rgb jittered_colour(int64_t colour, fw::Generator& gen);

// The hue of `pixel` in degrees, [0, 360); 0 for a grey pixel. Saturation: (max - min) / 255.
double pixel_hue(Rgb pixel);
double pixel_saturation(Rgb pixel);

}  // namespace scan
