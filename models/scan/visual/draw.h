#pragma once
// Drawing primitives on an Image. Everything is clipped to the image, so coordinates may lie
// partly or wholly outside it. Rectangles are half-open: [x1, x2) x [y1, y2); an empty or
// inverted one (x2 <= x1 or y2 <= y1) draws nothing.
//   Image canvas(200, 100, Rgb{255, 255, 255});
//   fill_rect(canvas, 10, 10, 60, 40, Rgb{255, 0, 0}, 0.5);   // translucent red box
//   draw_rect(canvas, 10, 10, 60, 40, Rgb{0, 0, 0});          // 2-pixel black outline around it
//   draw_line(canvas, 0, 99, 199, 0, Rgb{0, 0, 255}, 3);      // 3-pixel blue diagonal
//   paste(canvas, thumbnail, 120, 10);                        // thumbnail's top left at (120, 10)
#include "models/scan/visual/image.h"

namespace scan {

// `over` laid on `under` with opacity in [0, 1] (clamped): per channel under * (1 - a) + over * a,
// rounded to the nearest integer.
Rgb blend(Rgb under, Rgb over, double opacity);

// Fills the pixels x in [x1, x2), y in [y1, y2) with `colour` blended at `opacity`.
void fill_rect(Image& image, int x1, int y1, int x2, int y2, Rgb colour, double opacity = 1.0);
// An outline whose outer edge is the rectangle [x1, x2) x [y1, y2), `thickness` pixels inward
// (thickness < 1 draws nothing).
void draw_rect(Image& image, int x1, int y1, int x2, int y2, Rgb colour, int thickness = 2);
// Copies `src` into `dst` with src's top-left pixel at (x, y).
void paste(Image& dst, const Image& src, int x, int y);
// A straight line from (x0, y0) to (x1, y1), both ends included, drawn with a square brush of
// `thickness` pixels (thickness < 1 draws nothing).
void draw_line(Image& image, int x0, int y0, int x1, int y1, Rgb colour, int thickness = 1);

}  // namespace scan
