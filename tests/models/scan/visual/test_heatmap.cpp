// Attention painted on an image: the summed-area field by hand, the blend of each pixel, and boxes
// rescaled with the picture.
#include <doctest/doctest.h>

#include <vector>

#include "models/scan/visual/colormap.h"
#include "models/scan/visual/draw.h"
#include "models/scan/visual/heatmap.h"

TEST_CASE("attention_field sums the weights of the boxes over each pixel, rounding boxes outward") {
  // 4 x 3 image; box A covers x 0..1, y 0..1 (weight 0.5); box B x 1..3, y 1..2 (weight 0.25),
  // given as (1.5, 1.2, 4, 3): rounded outward to x 1..3, y 1..2.
  const std::vector<scan::Box> boxes = {{0, 0, 2, 2}, {1.5, 1.2, 4, 3}};
  const std::vector<double> weights = {0.5, 0.25};
  const std::vector<double> field = scan::attention_field(4, 3, boxes, weights);
  const std::vector<double> expected = {0.5, 0.5,  0,    0,     // y = 0
                                        0.5, 0.75, 0.25, 0.25,  // y = 1
                                        0,   0.25, 0.25, 0.25};  // y = 2
  REQUIRE(field.size() == expected.size());
  for (size_t i = 0; i < field.size(); ++i) CHECK(field[i] == doctest::Approx(expected[i]));
  CHECK(scan::max_value(field) == doctest::Approx(0.75));
}

TEST_CASE("attention_field clips boxes to the image and ignores empty ones, and needs one weight per box") {
  const std::vector<double> field = scan::attention_field(2, 2, {{-5, -5, 1, 9}, {1, 1, 1, 2}}, std::vector{1.0, 7.0});
  CHECK(field == std::vector<double>{1, 0, 1, 0});
  CHECK_THROWS(scan::attention_field(2, 2, {{0, 0, 1, 1}}, std::vector{1.0, 2.0}));
}

TEST_CASE("paint_attention: unattended pixels dimmed, the most attended take the colour map's top colour") {
  scan::Image image(2, 1, scan::Rgb{200, 100, 50});
  const std::vector<double> field = {0.0, 2.0};
  const scan::HeatmapStyle style;
  const scan::Image painted = scan::paint_attention(image, field, 2.0, style);
  // t = 0: blend(pixel, black, dim); the colour map's weight is 0.
  CHECK(painted.at(0, 0) == scan::blend(scan::Rgb{200, 100, 50}, scan::Rgb{0, 0, 0}, style.dim));
  // t = 1: not dimmed, viridis(1) at the full opacity.
  CHECK(painted.at(1, 0) == scan::blend(scan::Rgb{200, 100, 50}, scan::viridis(1.0), style.opacity));
  CHECK_THROWS(scan::paint_attention(image, std::vector<double>{1.0}, 1.0));
}

TEST_CASE("scale_boxes maps boxes to the pixels of a resized picture") {
  const std::vector<scan::Box> scaled = scan::scale_boxes({{10, 20, 30, 40}}, 100, 200, 50, 50);
  CHECK(scaled[0].x1 == doctest::Approx(5));
  CHECK(scaled[0].y1 == doctest::Approx(5));
  CHECK(scaled[0].x2 == doctest::Approx(15));
  CHECK(scaled[0].y2 == doctest::Approx(10));
}
