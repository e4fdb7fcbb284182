#pragma once
// Attention painted on the image: each region's weight spread over its box, the sum per pixel
// shown in viridis over a dimmed copy of the picture.
//   field(x, y) = Σ_r w_r [ (x, y) inside box r ]            (overlapping boxes add up)
//   t = clamp(field / scale, 0, 1)
//   pixel = blend(blend(image, black, dim · (1 − t)), viridis(t), opacity · t)
// so unattended pixels are darkened and attended ones take the colour of their weight.
//   std::vector<double> f = attention_field(img.width(), img.height(), boxes, weights);
//   Image shown = paint_attention(img, f, max_value(f));
#include <span>
#include <vector>

#include "models/scan/visual/boxes.h"
#include "models/scan/visual/image.h"

namespace scan {

// width x height values, row-major; `weights` has one value per box. Boxes are rounded outward to
// whole pixels and clipped to the image. O(width · height + boxes) with a summed-area table.
std::vector<double> attention_field(int width, int height, const std::vector<Box>& boxes,
                                    std::span<const double> weights);

double max_value(const std::vector<double>& field);

struct HeatmapStyle {
  double dim = 0.55;      // how much an unattended pixel is darkened (0: not at all, 1: black)
  double opacity = 0.7;   // the colour map's opacity on the most attended pixels
};

// `field` as attention_field returns it for this image's size; `scale` > 0 maps to the top colour.
Image paint_attention(const Image& image, const std::vector<double>& field, double scale, HeatmapStyle style = {});

// Boxes of `from` (an image of from_width x from_height) in the pixels of a copy resized to
// to_width x to_height.
std::vector<Box> scale_boxes(const std::vector<Box>& boxes, int from_width, int from_height, int to_width,
                             int to_height);

}  // namespace scan
