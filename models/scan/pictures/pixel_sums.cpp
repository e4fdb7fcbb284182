#include "models/scan/pictures/pixel_sums.h"

#include <algorithm>
#include <cmath>

#include "models/scan/pictures/picture_palette.h"

namespace scan {

namespace {

// The quantities of one pixel (the list in the header).
void pixel_quantities(Rgb pixel, int x, int y, double* q) {
  const double r = pixel.r, g = pixel.g, b = pixel.b;
  std::fill(q, q + kNumPixelQuantities, 0.0);
  q[kBoxR] = r, q[kBoxG] = g, q[kBoxB] = b;
  q[kBoxR2] = r * r, q[kBoxG2] = g * g, q[kBoxB2] = b * b;
  if (!is_foreground(pixel)) return;
  const double px = x, py = y;
  q[kFgCount] = 1;
  q[kFgR] = r, q[kFgG] = g, q[kFgB] = b;
  q[kFgR2] = r * r, q[kFgG2] = g * g, q[kFgB2] = b * b;
  q[kFgHue + hue_bin(pixel_hue(pixel))] = 1;
  q[kFgX] = px, q[kFgY] = py;
  q[kFgXX] = px * px, q[kFgXY] = px * py, q[kFgYY] = py * py;
  q[kFgXXX] = px * px * px, q[kFgXXY] = px * px * py, q[kFgXYY] = px * py * py, q[kFgYYY] = py * py * py;
}

int pixel_index(float edge, int limit) { return std::clamp(static_cast<int>(std::ceil(double{edge} - 0.5)), 0, limit); }

}  // namespace

PixelRect box_pixels(const PictureBox& box, int width, int height) {
  PixelRect rect{pixel_index(box[0], width), pixel_index(box[1], height), pixel_index(box[2], width),
                 pixel_index(box[3], height)};
  if (rect.x1 <= rect.x0) {
    rect.x0 = std::min(rect.x0, width - 1);
    rect.x1 = rect.x0 + 1;
  }
  if (rect.y1 <= rect.y0) {
    rect.y0 = std::min(rect.y0, height - 1);
    rect.y1 = rect.y0 + 1;
  }
  return rect;
}

int hue_bin(double hue) {
  const double width = 360.0 / kHueBins;
  return static_cast<int>(std::floor(hue / width + 0.5)) % kHueBins;
}

bool is_foreground(Rgb pixel) { return pixel_saturation(pixel) > kForegroundSaturation; }

PixelSums::PixelSums(const Image& image)
    : width_(image.width()),
      height_(image.height()),
      table_(static_cast<std::size_t>(width_ + 1) * (height_ + 1) * kNumPixelQuantities, 0.0) {
  // Row y + 1 of the table is row y plus the running sums along image row y.
  double q[kNumPixelQuantities], row[kNumPixelQuantities];
  for (int y = 0; y < height_; ++y) {
    std::fill(row, row + kNumPixelQuantities, 0.0);
    const double* __restrict above = table_.data() + static_cast<std::size_t>(y) * (width_ + 1) * kNumPixelQuantities;
    double* __restrict out = table_.data() + static_cast<std::size_t>(y + 1) * (width_ + 1) * kNumPixelQuantities;
    for (int x = 0; x < width_; ++x) {
      pixel_quantities(image.at(x, y), x, y, q);
      const std::size_t at = static_cast<std::size_t>(x + 1) * kNumPixelQuantities;
      for (int k = 0; k < kNumPixelQuantities; ++k) {
        row[k] += q[k];
        out[at + k] = above[at + k] + row[k];
      }
    }
  }
}

double PixelSums::sum(int quantity, const PixelRect& rect) const {
  return corner(rect.x1, rect.y1)[quantity] - corner(rect.x0, rect.y1)[quantity] - corner(rect.x1, rect.y0)[quantity] +
         corner(rect.x0, rect.y0)[quantity];
}

void PixelSums::sums(const PixelRect& rect, double* out) const {
  const double *a = corner(rect.x1, rect.y1), *b = corner(rect.x0, rect.y1), *c = corner(rect.x1, rect.y0),
               *d = corner(rect.x0, rect.y0);
  for (int k = 0; k < kNumPixelQuantities; ++k) out[k] = a[k] - b[k] - c[k] + d[k];
}

}  // namespace scan
