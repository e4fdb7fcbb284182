#include "models/scan/visual/draw.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace scan {

namespace {

uint8_t mix(uint8_t under, uint8_t over, double opacity) {
  return static_cast<uint8_t>(std::lround(under * (1.0 - opacity) + over * opacity));
}

// fill_rect on 64-bit coordinates, so callers may add thicknesses without overflowing an int.
void fill_clipped(Image& image, int64_t x1, int64_t y1, int64_t x2, int64_t y2, Rgb colour, double opacity) {
  x1 = std::max<int64_t>(x1, 0);
  y1 = std::max<int64_t>(y1, 0);
  x2 = std::min<int64_t>(x2, image.width());
  y2 = std::min<int64_t>(y2, image.height());
  if (x1 >= x2 || y1 >= y2 || !(opacity > 0.0)) return;
  const bool opaque = opacity >= 1.0;
  for (int y = static_cast<int>(y1); y < y2; ++y)
    for (int x = static_cast<int>(x1); x < x2; ++x) {
      Rgb& pixel = image.at(x, y);
      pixel = opaque ? colour : blend(pixel, colour, opacity);
    }
}

// Clips the segment (x0, y0)-(x1, y1) to [lo_x, hi_x] x [lo_y, hi_y] (Liang-Barsky). False when
// nothing of it is inside.
bool clip_segment(double& x0, double& y0, double& x1, double& y1, double lo_x, double lo_y, double hi_x,
                  double hi_y) {
  const double dx = x1 - x0, dy = y1 - y0;
  double t0 = 0.0, t1 = 1.0;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {x0 - lo_x, hi_x - x0, y0 - lo_y, hi_y - y0};
  for (int k = 0; k < 4; ++k) {
    if (p[k] == 0.0) {
      if (q[k] < 0.0) return false;
      continue;
    }
    const double r = q[k] / p[k];
    if (p[k] < 0.0) t0 = std::max(t0, r);
    else t1 = std::min(t1, r);
    if (t0 > t1) return false;
  }
  const double sx = x0, sy = y0;
  x0 = sx + t0 * dx;
  y0 = sy + t0 * dy;
  x1 = sx + t1 * dx;
  y1 = sy + t1 * dy;
  return true;
}

}  // namespace

Rgb blend(Rgb under, Rgb over, double opacity) {
  const double a = std::isnan(opacity) ? 0.0 : std::clamp(opacity, 0.0, 1.0);
  return Rgb{mix(under.r, over.r, a), mix(under.g, over.g, a), mix(under.b, over.b, a)};
}

void fill_rect(Image& image, int x1, int y1, int x2, int y2, Rgb colour, double opacity) {
  fill_clipped(image, x1, y1, x2, y2, colour, opacity);
}

void draw_rect(Image& image, int x1, int y1, int x2, int y2, Rgb colour, int thickness) {
  if (thickness < 1 || x2 <= x1 || y2 <= y1) return;
  const int64_t t = thickness;
  fill_clipped(image, x1, y1, x2, std::min<int64_t>(int64_t{y1} + t, y2), colour, 1.0);  // top
  fill_clipped(image, x1, std::max<int64_t>(int64_t{y2} - t, y1), x2, y2, colour, 1.0);  // bottom
  fill_clipped(image, x1, y1, std::min<int64_t>(int64_t{x1} + t, x2), y2, colour, 1.0);  // left
  fill_clipped(image, std::max<int64_t>(int64_t{x2} - t, x1), y1, x2, y2, colour, 1.0);  // right
}

void paste(Image& dst, const Image& src, int x, int y) {
  const int64_t x_begin = std::max<int64_t>(x, 0), y_begin = std::max<int64_t>(y, 0);
  const int64_t x_end = std::min<int64_t>(int64_t{x} + src.width(), dst.width());
  const int64_t y_end = std::min<int64_t>(int64_t{y} + src.height(), dst.height());
  for (int64_t dy = y_begin; dy < y_end; ++dy)
    for (int64_t dx = x_begin; dx < x_end; ++dx)
      dst.at(static_cast<int>(dx), static_cast<int>(dy)) = src.at(static_cast<int>(dx - x), static_cast<int>(dy - y));
}

void draw_line(Image& image, int x0, int y0, int x1, int y1, Rgb colour, int thickness) {
  if (thickness < 1 || image.empty()) return;
  // Segments reaching far outside are first cut to the image plus a brush-wide margin, so the
  // walk below takes at most a few image diagonals of steps.
  const double margin = static_cast<double>(thickness) + 1.0;
  const double lo_x = -margin, lo_y = -margin, hi_x = image.width() + margin, hi_y = image.height() + margin;
  auto inside = [&](int x, int y) { return x >= lo_x && x <= hi_x && y >= lo_y && y <= hi_y; };
  if (!inside(x0, y0) || !inside(x1, y1)) {
    double ax = x0, ay = y0, bx = x1, by = y1;
    if (!clip_segment(ax, ay, bx, by, lo_x, lo_y, hi_x, hi_y)) return;
    x0 = static_cast<int>(std::lround(ax));
    y0 = static_cast<int>(std::lround(ay));
    x1 = static_cast<int>(std::lround(bx));
    y1 = static_cast<int>(std::lround(by));
  }
  const int64_t before = (thickness - 1) / 2;  // brush pixels left of / above the centre
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int step_x = x0 < x1 ? 1 : -1, step_y = y0 < y1 ? 1 : -1;
  int error = dx + dy;
  for (int x = x0, y = y0;;) {
    fill_clipped(image, x - before, y - before, x - before + thickness, y - before + thickness, colour, 1.0);
    if (x == x1 && y == y1) break;
    const int twice = 2 * error;
    if (twice >= dy) {
      error += dy;
      x += step_x;
    }
    if (twice <= dx) {
      error += dx;
      y += step_y;
    }
  }
}

}  // namespace scan
