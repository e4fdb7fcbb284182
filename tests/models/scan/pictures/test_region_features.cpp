#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/pictures/picture_render.h"
#include "models/scan/pictures/region_descriptor.h"
#include "models/scan/pictures/region_features.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using picture_test::make_object;

namespace {

struct Rendered {
  PictureScene scene;
  Image image;
};

// A red circle at the top left and a blue square at the bottom right of a 96 x 96 picture.
Rendered two_objects() {
  fw::Generator gen(8);
  Rendered r;
  r.scene.width = r.scene.height = 96;
  r.scene.objects = {make_object(kCircle, kRed, kLarge, 24, 24, 36, 96, 96),
                     make_object(kSquare, kBlue, kLarge, 70, 70, 30, 96, 96)};
  r.scene.background = sample_background(96, 96, gen);
  r.image = render_scene(r.scene);
  return r;
}

}  // namespace

TEST_CASE("pictures: pixel sums over a rectangle equal the direct sums") {
  const Rendered r = two_objects();
  const PixelSums sums(r.image);
  const PixelRect rect = box_pixels({10.2f, 5, 40.7f, 33.5f}, 96, 96);
  CHECK(rect.x0 == 10);  // centres 10.5 .. 40.5 lie in [10.2, 40.7)
  CHECK(rect.x1 == 41);
  CHECK(rect.y0 == 5);  // centre 33.5 is on the edge: out
  CHECK(rect.y1 == 33);
  double red = 0, foreground = 0;
  for (int y = rect.y0; y < rect.y1; ++y)
    for (int x = rect.x0; x < rect.x1; ++x) {
      red += r.image.at(x, y).r;
      foreground += is_foreground(r.image.at(x, y)) ? 1 : 0;
    }
  CHECK(sums.sum(kBoxR, rect) == red);
  CHECK(sums.sum(kFgCount, rect) == foreground);
  CHECK(foreground > 100);
}

TEST_CASE("pictures: the descriptor of a red circle's box shows red, a disc's moments and its place") {
  const Rendered r = two_objects();
  const PixelSums sums(r.image);
  const PictureBox box = r.scene.objects[0].box;
  const RegionDescriptor d = region_descriptor(sums, box);
  const double radius = kShapeFill * 18;
  const double disc = std::numbers::pi * radius * radius;
  CHECK(d[kDescriptorForeground] * box_pixels(box, 96, 96).area() == doctest::Approx(disc).epsilon(0.03));
  CHECK(d[kDescriptorHue + 0] > 0.97);  // the red bin
  CHECK(d[kDescriptorForegroundMean + 0] > 0.75);
  CHECK(d[kDescriptorForegroundMean + 2] < 0.25);
  CHECK(d[kDescriptorMoments] == doctest::Approx(1 / (4 * std::numbers::pi)).epsilon(0.05));  // eta_20
  CHECK(d[kDescriptorMoments + 1] == doctest::Approx(1 / (4 * std::numbers::pi)).epsilon(0.05));
  CHECK(std::abs(d[kDescriptorMoments + 2]) < 0.002);  // eta_11
  CHECK(d[kDescriptorCentroid] == doctest::Approx(0.5).epsilon(0.03));
  CHECK(d[kDescriptorExtent] == doctest::Approx(std::numbers::pi / 4).epsilon(0.06));
  CHECK(d[kDescriptorGrid + 0] < 0.5);    // a corner cell of the grid is mostly background
  CHECK(d[kDescriptorGrid + 12] == 1.0);  // the centre cell is all circle
  CHECK(d[kDescriptorGeometry + 0] == doctest::Approx(box[0] / 96.0));
  CHECK(d[kDescriptorGeometry + 9] == doctest::Approx(0.0).epsilon(0.01));  // ln aspect of a square box

  const RegionDescriptor square = region_descriptor(sums, r.scene.objects[1].box);
  CHECK(square[kDescriptorHue + 8] > 0.97);  // the blue bin
  CHECK(square[kDescriptorExtent] > 0.9);
  CHECK(square[kDescriptorMoments] == doctest::Approx(1.0 / 12).epsilon(0.05));

  const RegionDescriptor background = region_descriptor(sums, {60, 2, 94, 30});
  CHECK(background[kDescriptorForeground] < 0.01);
  CHECK(background[kDescriptorCentroid] == 0.5);  // no foreground: the neutral centroid
  for (int k = 0; k < kHueBins; ++k) CHECK(background[kDescriptorHue + k] == 0.0);
}

TEST_CASE("pictures: region features are non-negative, dense, from a fixed projection, and see the pixels") {
  const Rendered r = two_objects();
  const std::vector<float> projection = region_projection(32);
  CHECK(projection == region_projection(32));  // fixed, whatever the dataset seed
  CHECK(projection.size() == static_cast<std::size_t>(kRegionDescriptorSize * 32));
  const std::vector<PictureBox> boxes = {
      r.scene.objects[0].box, r.scene.objects[1].box, {0, 0, 96, 96}, {60, 2, 94, 30}};
  std::vector<float> features(boxes.size() * 32);
  picture_region_features(r.image, boxes, projection, 32, features.data());
  int positive = 0;
  for (float v : features) {
    CHECK(v >= 0.0f);
    positive += v > 0 ? 1 : 0;
  }
  CHECK(positive > 16);
  CHECK(positive < 112);
  // The red circle and the blue square give different features; the same box gives the same ones.
  CHECK(!std::equal(features.begin(), features.begin() + 32, features.begin() + 32));
  std::vector<float> again(32);
  picture_region_features(r.image, {boxes[0]}, projection, 32, again.data());
  CHECK(std::equal(again.begin(), again.end(), features.begin()));
  // Features follow the pixels: painting the circle green changes its region's features.
  Rendered green = r;
  green.scene.objects[0].rgb = picture_base_colour(kGreen);
  green.image = render_scene(green.scene);
  picture_region_features(green.image, {boxes[0]}, projection, 32, again.data());
  CHECK(!std::equal(again.begin(), again.end(), features.begin()));
  CHECK_THROWS_AS(picture_region_features(r.image, boxes, projection, 16, features.data()), fw::Error);
}
