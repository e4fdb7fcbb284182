#pragma once
// Summed-area tables of per-pixel quantities of a picture, so that the sum of any of them over any
// rectangle of pixels costs 4 look-ups: the region descriptor (region_descriptor.h) of 36 boxes,
// some as large as the picture, then costs little more than one pass over the pixels.
//   PixelSums sums(picture);
//   PixelRect rect = box_pixels({10.5f, 20, 40, 52.25f}, picture.width(), picture.height());
//   double red = sums.sum(kBoxR, rect);                 // sum of the red channel over the rectangle
//
// Per pixel (x, y) with channels r, g, b in 0..255, the foreground indicator m = 1 when its
// saturation (max - min) / 255 exceeds kForegroundSaturation (objects are saturated, backgrounds
// are not: picture_background.h), else 0:
//   kBoxR.. kBoxB      r, g, b            kBoxR2..kBoxB2      r^2, g^2, b^2
//   kFgCount           m                  kFgR..kFgB          m r, m g, m b      kFgR2..kFgB2  m r^2, ...
//   kFgHue + k         m [hue bin = k]    (kHueBins bins of 360 / kHueBins degrees, bin 0 centred on 0, pixel_hue)
//   kFgX, kFgY, kFgXX, kFgXY, kFgYY, kFgXXX, kFgXXY, kFgXYY, kFgYYY   m x^p y^q (the raw moments, p + q <= 3)
// Every quantity is an integer, so the tables (doubles) hold exact sums: below 2^53 for pictures up
// to 1024 pixels a side, and the same whatever order they are added in.
#include <cstdint>
#include <vector>

#include "models/scan/pictures/picture_object.h"
#include "models/scan/visual/image.h"

namespace scan {

inline constexpr double kForegroundSaturation = 0.25;
inline constexpr int kHueBins = 12;

// clang-format off
enum PixelQuantity : int {
  kBoxR, kBoxG, kBoxB, kBoxR2, kBoxG2, kBoxB2,
  kFgCount, kFgR, kFgG, kFgB, kFgR2, kFgG2, kFgB2,
  kFgHue,
  kFgX = kFgHue + kHueBins, kFgY, kFgXX, kFgXY, kFgYY, kFgXXX, kFgXXY, kFgXYY, kFgYYY,
  kNumPixelQuantities
};
// clang-format on

// Pixels [x0, x1) x [y0, y1).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
  int64_t area() const { return int64_t{width()} * height(); }
};

// The pixels whose centres lie in the box: columns ceil(x1 - 0.5) .. ceil(x2 - 0.5) - 1, clamped to the
// picture and at least one pixel (a box of side >= 1 always has one).
PixelRect box_pixels(const PictureBox& box, int width, int height);

// The hue bin of a pixel's hue in degrees: bin k holds [30 k - 15, 30 k + 15) for 12 bins.
int hue_bin(double hue);
bool is_foreground(Rgb pixel);

class PixelSums {
 public:
  explicit PixelSums(const Image& image);

  int width() const { return width_; }
  int height() const { return height_; }
  double sum(int quantity, const PixelRect& rect) const;
  // All kNumPixelQuantities sums over `rect` into out.
  void sums(const PixelRect& rect, double* out) const;

 private:
  const double* corner(int x, int y) const {
    return table_.data() + (static_cast<std::size_t>(y) * (width_ + 1) + x) * kNumPixelQuantities;
  }
  int width_ = 0, height_ = 0;
  std::vector<double> table_;  // [(height + 1) x (width + 1) x kNumPixelQuantities]: sums over [0, x) x [0, y)
};

}  // namespace scan
