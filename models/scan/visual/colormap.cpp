#include "models/scan/visual/colormap.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/scan/visual/draw.h"

namespace scan {

namespace {

constexpr std::array<Rgb, 9> kViridisAnchors = {{{68, 1, 84},
                                                 {72, 40, 120},
                                                 {62, 73, 137},
                                                 {49, 104, 142},
                                                 {38, 130, 142},
                                                 {31, 158, 137},
                                                 {53, 183, 121},
                                                 {110, 206, 88},
                                                 {253, 231, 37}}};

constexpr Rgb kFrame{60, 60, 60};

}  // namespace

Rgb viridis(double t) {
  if (std::isnan(t) || t < 0.0) t = 0.0;
  if (t > 1.0) t = 1.0;
  const double position = t * (kViridisAnchors.size() - 1);
  const int segment = std::min(static_cast<int>(position), static_cast<int>(kViridisAnchors.size()) - 2);
  return blend(kViridisAnchors[segment], kViridisAnchors[segment + 1], position - segment);
}

void draw_colour_bar(Image& image, int x, int y, int width, int height, bool horizontal) {
  if (width < 1 || height < 1) return;
  fill_rect(image, x, y, x + width, y + height, kFrame);
  const int inner_width = width - 2, inner_height = height - 2;
  if (inner_width < 1 || inner_height < 1) return;
  const int steps = horizontal ? inner_width : inner_height;
  for (int k = 0; k < steps; ++k) {
    const Rgb colour = viridis(steps == 1 ? 0.0 : static_cast<double>(k) / (steps - 1));
    if (horizontal) {
      fill_rect(image, x + 1 + k, y + 1, x + 2 + k, y + 1 + inner_height, colour);
    } else {
      const int row = y + height - 2 - k;  // t = 0 on the bottom row
      fill_rect(image, x + 1, row, x + 1 + inner_width, row + 1, colour);
    }
  }
}

}  // namespace scan
