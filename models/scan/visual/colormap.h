#pragma once
// matplotlib's viridis colour map, for heat maps of attention weights and similarity scores.
// It runs from dark purple through blue and green to yellow with roughly uniform perceived
// steps, and its brightness rises monotonically, so it stays readable when printed in grey and
// for colour-blind readers.
//   Rgb hot = viridis(0.9);                           // yellow-green
//   draw_colour_bar(canvas, 10, 10, 200, 12);         // legend: t = 0 left, t = 1 right
#include "models/scan/visual/image.h"

namespace scan {

// viridis at t, clamped to [0, 1] (NaN counts as 0): linear interpolation between nine anchor
// colours sampled from matplotlib at t = 0, 1/8, ..., 1.
Rgb viridis(double t);

// The viridis gradient in [x, x + width) x [y, y + height), from t = 0 at the left (horizontal) or
// bottom (vertical) to t = 1 at the right or top, inside a 1-pixel dark grey (60, 60, 60) frame.
// Clipped to the image.
void draw_colour_bar(Image& image, int x, int y, int width, int height, bool horizontal = true);

}  // namespace scan
