#include "models/scan/pictures/picture_render.h"

#include <algorithm>
#include <cmath>

#include "models/scan/pictures/shape_outline.h"

namespace scan {

namespace {

uint8_t blend(uint8_t object, uint8_t background, double coverage) {
  return static_cast<uint8_t>(std::lround(coverage * object + (1 - coverage) * background));
}

void paint_object(const PictureObject& object, Image& image) {
  const ShapeOutline outline = make_outline(object);
  const std::array<double, 4> box = outline_box(outline);
  const int x0 = std::max(0, static_cast<int>(std::floor(box[0])) - 1);
  const int y0 = std::max(0, static_cast<int>(std::floor(box[1])) - 1);
  const int x1 = std::min(image.width(), static_cast<int>(std::ceil(box[2])) + 1);
  const int y1 = std::min(image.height(), static_cast<int>(std::ceil(box[3])) + 1);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const double coverage = pixel_coverage(outline, x, y);
      if (coverage <= 0) continue;
      Rgb& pixel = image.at(x, y);
      pixel = {blend(object.rgb.r, pixel.r, coverage), blend(object.rgb.g, pixel.g, coverage),
               blend(object.rgb.b, pixel.b, coverage)};
    }
}

}  // namespace

Image render_scene(const PictureScene& scene) {
  Image image(scene.width, scene.height);
  paint_background(scene.background, image);
  for (const PictureObject& object : scene.objects) paint_object(object, image);
  return image;
}

}  // namespace scan
