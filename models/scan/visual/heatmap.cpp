#include "models/scan/visual/heatmap.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"
#include "models/scan/visual/colormap.h"
#include "models/scan/visual/draw.h"

namespace scan {

std::vector<double> attention_field(int width, int height, const std::vector<Box>& boxes,
                                    std::span<const double> weights) {
  fw::check(boxes.size() == weights.size(), "attention_field", "expected one weight per box, got ", weights.size(),
            " weights for ", boxes.size(), " boxes");
  // Difference table: +w at (x1, y1) and (x2, y2), -w at (x2, y1) and (x1, y2); its 2-D prefix sum
  // is the field.
  const int W = width + 1;
  std::vector<double> diff(static_cast<size_t>(W) * (height + 1), 0.0);
  for (size_t r = 0; r < boxes.size(); ++r) {
    const int x1 = std::clamp(static_cast<int>(std::floor(boxes[r].x1)), 0, width);
    const int y1 = std::clamp(static_cast<int>(std::floor(boxes[r].y1)), 0, height);
    const int x2 = std::clamp(static_cast<int>(std::ceil(boxes[r].x2)), 0, width);
    const int y2 = std::clamp(static_cast<int>(std::ceil(boxes[r].y2)), 0, height);
    if (x1 >= x2 || y1 >= y2) continue;
    diff[static_cast<size_t>(y1) * W + x1] += weights[r];
    diff[static_cast<size_t>(y1) * W + x2] -= weights[r];
    diff[static_cast<size_t>(y2) * W + x1] -= weights[r];
    diff[static_cast<size_t>(y2) * W + x2] += weights[r];
  }
  std::vector<double> field(static_cast<size_t>(width) * height);
  std::vector<double> column(static_cast<size_t>(width), 0.0);  // running sums down each column
  for (int y = 0; y < height; ++y) {
    double row = 0;
    for (int x = 0; x < width; ++x) {
      row += diff[static_cast<size_t>(y) * W + x];
      column[x] += row;
      field[static_cast<size_t>(y) * width + x] = column[x];
    }
  }
  return field;
}

double max_value(const std::vector<double>& field) {
  return field.empty() ? 0.0 : *std::max_element(field.begin(), field.end());
}

Image paint_attention(const Image& image, const std::vector<double>& field, double scale, HeatmapStyle style) {
  fw::check(field.size() == static_cast<size_t>(image.width()) * image.height(), "paint_attention",
            "expected a field of ", image.width(), " x ", image.height(), " values, got ", field.size());
  Image out = image;
  const double inverse = scale > 0 ? 1.0 / scale : 0.0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const double t = std::clamp(field[static_cast<size_t>(y) * image.width() + x] * inverse, 0.0, 1.0);
      const Rgb dimmed = blend(image.at(x, y), Rgb{0, 0, 0}, style.dim * (1 - t));
      out.at(x, y) = blend(dimmed, viridis(t), style.opacity * t);
    }
  return out;
}

std::vector<Box> scale_boxes(const std::vector<Box>& boxes, int from_width, int from_height, int to_width,
                             int to_height) {
  const double sx = static_cast<double>(to_width) / from_width, sy = static_cast<double>(to_height) / from_height;
  std::vector<Box> out;
  for (const Box& b : boxes) out.push_back({b.x1 * sx, b.y1 * sy, b.x2 * sx, b.y2 * sy});
  return out;
}

}  // namespace scan
