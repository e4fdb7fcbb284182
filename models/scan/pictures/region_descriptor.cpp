#include "models/scan/pictures/region_descriptor.h"

#include <algorithm>
#include <cmath>

namespace scan {

namespace {

double population_std(double sum, double sum2, double count) {
  const double mean = sum / count;
  return std::sqrt(std::max(0.0, sum2 / count - mean * mean));
}

void colour_blocks(const double* s, double n, double n_fg, double* d) {
  for (int c = 0; c < 3; ++c) {
    d[kDescriptorBoxMean + c] = s[kBoxR + c] / n / 255;
    d[kDescriptorBoxStd + c] = population_std(s[kBoxR + c], s[kBoxR2 + c], n) / 255;
    if (n_fg == 0) continue;
    d[kDescriptorForegroundMean + c] = s[kFgR + c] / n_fg / 255;
    d[kDescriptorForegroundStd + c] = population_std(s[kFgR + c], s[kFgR2 + c], n_fg) / 255;
  }
  for (int k = 0; k < kHueBins && n_fg > 0; ++k) d[kDescriptorHue + k] = s[kFgHue + k] / n_fg;
}

void grid_block(const PixelSums& sums, const PixelRect& rect, double* d) {
  for (int i = 0; i < kGridCells; ++i)
    for (int j = 0; j < kGridCells; ++j) {
      const PixelRect cell{rect.x0 + rect.width() * j / kGridCells, rect.y0 + rect.height() * i / kGridCells,
                           rect.x0 + rect.width() * (j + 1) / kGridCells,
                           rect.y0 + rect.height() * (i + 1) / kGridCells};
      d[kDescriptorGrid + i * kGridCells + j] = cell.area() > 0 ? sums.sum(kFgCount, cell) / cell.area() : 0.0;
    }
}

// Central moments from the raw sums: expand (x - xm)^p (y - ym)^q and use sum x = xm n, sum y = ym n.
void moment_blocks(const double* s, const PixelRect& rect, double* d) {
  const double n = s[kFgCount];
  const double xm = s[kFgX] / n, ym = s[kFgY] / n;
  d[kDescriptorCentroid] = (xm + 0.5 - rect.x0) / rect.width();
  d[kDescriptorCentroid + 1] = (ym + 0.5 - rect.y0) / rect.height();
  const double mu20 = s[kFgXX] - xm * s[kFgX];
  const double mu02 = s[kFgYY] - ym * s[kFgY];
  const double mu11 = s[kFgXY] - xm * s[kFgY];
  const double mu30 = s[kFgXXX] - 3 * xm * s[kFgXX] + 2 * xm * xm * s[kFgX];
  const double mu03 = s[kFgYYY] - 3 * ym * s[kFgYY] + 2 * ym * ym * s[kFgY];
  const double mu21 = s[kFgXXY] - 2 * xm * s[kFgXY] - ym * s[kFgXX] + 2 * xm * xm * s[kFgY];
  const double mu12 = s[kFgXYY] - 2 * ym * s[kFgXY] - xm * s[kFgYY] + 2 * ym * ym * s[kFgX];
  const double second = n * n, third = std::pow(n, 2.5);  // n^(1 + (p + q) / 2)
  const double eta[7] = {mu20 / second, mu02 / second, mu11 / second, mu30 / third,
                         mu03 / third,  mu21 / third,  mu12 / third};
  std::copy(eta, eta + 7, d + kDescriptorMoments);
  d[kDescriptorHu] = eta[0] + eta[1];
  d[kDescriptorHu + 1] = (eta[0] - eta[1]) * (eta[0] - eta[1]) + 4 * eta[2] * eta[2];
}

// The foreground's bounding box from column and row strips, and how much of it the foreground fills.
void mask_box_blocks(const PixelSums& sums, const PixelRect& rect, double n_fg, double* d) {
  int fx0 = rect.x1, fx1 = rect.x0, fy0 = rect.y1, fy1 = rect.y0;
  for (int x = rect.x0; x < rect.x1; ++x)
    if (sums.sum(kFgCount, {x, rect.y0, x + 1, rect.y1}) > 0) {
      fx0 = std::min(fx0, x);
      fx1 = x + 1;
    }
  for (int y = rect.y0; y < rect.y1; ++y)
    if (sums.sum(kFgCount, {rect.x0, y, rect.x1, y + 1}) > 0) {
      fy0 = std::min(fy0, y);
      fy1 = y + 1;
    }
  d[kDescriptorMaskBox] = double(fx0 - rect.x0) / rect.width();
  d[kDescriptorMaskBox + 1] = double(fy0 - rect.y0) / rect.height();
  d[kDescriptorMaskBox + 2] = double(fx1 - rect.x0) / rect.width();
  d[kDescriptorMaskBox + 3] = double(fy1 - rect.y0) / rect.height();
  d[kDescriptorExtent] = n_fg / (double(fx1 - fx0) * (fy1 - fy0));
}

void geometry_block(const PictureBox& box, int width, int height, double* d) {
  const double x1 = box[0] / double(width), y1 = box[1] / double(height);
  const double x2 = box[2] / double(width), y2 = box[3] / double(height);
  const double aspect = std::log((double{box[2]} - box[0]) / (double{box[3]} - box[1]));
  const double corners_centre_size[8] = {x1, y1, x2, y2, (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1};
  std::copy(corners_centre_size, corners_centre_size + 8, d + kDescriptorGeometry);
  d[kDescriptorGeometry + 8] = (x2 - x1) * (y2 - y1);
  d[kDescriptorGeometry + 9] = aspect;
}

}  // namespace

RegionDescriptor region_descriptor(const PixelSums& sums, const PictureBox& box) {
  RegionDescriptor d{};
  const PixelRect rect = box_pixels(box, sums.width(), sums.height());
  double s[kNumPixelQuantities];
  sums.sums(rect, s);
  const double n = static_cast<double>(rect.area()), n_fg = s[kFgCount];
  d[kDescriptorForeground] = n_fg / n;
  colour_blocks(s, n, n_fg, d.data());
  grid_block(sums, rect, d.data());
  if (n_fg > 0) {
    moment_blocks(s, rect, d.data());
    mask_box_blocks(sums, rect, n_fg, d.data());
  } else {
    d[kDescriptorCentroid] = d[kDescriptorCentroid + 1] = 0.5;
  }
  geometry_block(box, sums.width(), sums.height(), d.data());
  return d;
}

}  // namespace scan
