#include <doctest/doctest.h>

#include <algorithm>

#include "framework/core/random.h"
#include "models/scan/pictures/picture_background.h"
#include "models/scan/pictures/picture_palette.h"
#include "models/scan/pictures/picture_render.h"
#include "models/scan/pictures/pixel_sums.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using picture_test::make_object;
using picture_test::tiny_config;

namespace {

PictureScene scene_with(std::vector<PictureObject> objects, uint64_t seed) {
  fw::Generator gen(seed);
  PictureScene scene;
  scene.width = scene.height = 64;
  scene.objects = std::move(objects);
  scene.background = sample_background(64, 64, gen);
  return scene;
}

}  // namespace

TEST_CASE("pictures: backgrounds are low-saturation greys and beiges in 90..200, each kind different") {
  fw::Generator gen(3);
  std::vector<int64_t> kinds;
  for (int i = 0; i < 30; ++i) {
    const PictureBackground background = sample_background(64, 64, gen);
    kinds.push_back(background.kind);
    Image image(64, 64);
    paint_background(background, image);
    int lo = 255, hi = 0, differing = 0;
    double saturation = 0;
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        const Rgb p = image.at(x, y);
        differing += p == background_pixel(background, x, y) ? 0 : 1;  // painting a picture and one pixel agree
        saturation = std::max(saturation, pixel_saturation(p));
        lo = std::min(lo, static_cast<int>(std::min({p.r, p.g, p.b})));
        hi = std::max(hi, static_cast<int>(p.r));
      }
    CHECK(differing == 0);
    CHECK(saturation < kForegroundSaturation / 2);
    CHECK(hi <= 200);
    CHECK(lo >= 77);  // 90 times the bluest tint 0.86
  }
  for (int64_t kind = 0; kind < kNumBackgroundKinds; ++kind) CHECK(std::count(kinds.begin(), kinds.end(), kind) > 0);
  CHECK(value_noise(1, 2.0, 3.0) == value_noise(1, 2.0, 3.0));
  CHECK(value_noise(1, 2.0, 3.0) != value_noise(2, 2.0, 3.0));
  CHECK(value_noise(1, 2.5, 3.0) == doctest::Approx((value_noise(1, 2.0, 3.0) + value_noise(1, 3.0, 3.0)) / 2));
}

TEST_CASE("pictures: rendering paints the objects' colours over the background, deterministically") {
  PictureObject circle = make_object(kCircle, kRed, kLarge, 18, 18, 22);
  PictureObject square = make_object(kSquare, kGreen, kLarge, 46, 46, 20);
  circle.rgb = {215, 40, 25};  // a jittered red
  const PictureScene scene = scene_with({circle, square}, 4);
  const Image image = render_scene(scene);
  CHECK(image.width() == 64);
  CHECK(image.at(18, 18) == circle.rgb);
  CHECK(image.at(46, 46) == square.rgb);
  CHECK(image.at(5, 58) == background_pixel(scene.background, 5, 58));
  CHECK(pixel_saturation(image.at(5, 58)) < kForegroundSaturation);
  // An anti-aliased edge pixel lies between the object's and the background's colour.
  const int edge_x = static_cast<int>(18 + kShapeFill * 11);
  const Rgb edge = image.at(edge_x, 18), back = background_pixel(scene.background, edge_x, 18);
  CHECK(edge.r >= std::min(back.r, circle.rgb.r));
  CHECK(edge.r <= std::max(back.r, circle.rgb.r));
  CHECK(edge != circle.rgb);
  CHECK(render_scene(scene).at(edge_x, 18) == edge);
}

TEST_CASE("pictures: sampled scenes render with each filled object's colour at its centre") {
  const PictureConfig config = tiny_config();
  fw::Generator gen(21);
  int checked = 0;
  for (int i = 0; i < 40; ++i) {
    const PictureScene scene = sample_scene(config, gen);
    const Image image = render_scene(scene);
    for (const PictureObject& object : scene.objects) {
      if (object.shape != kCircle && object.shape != kSquare && object.shape != kCross) continue;
      CHECK(image.at(static_cast<int>(object.centre_x), static_cast<int>(object.centre_y)) == object.rgb);
      ++checked;
    }
  }
  CHECK(checked > 20);
}

TEST_CASE("pictures: every colour, jittered, keeps its hue bin and stands out by saturation") {
  const int expected_bin[kNumPictureColours] = {0, 4, 8, 2, 9, 1};  // red green blue yellow purple orange
  fw::Generator gen(9);
  for (int64_t colour = 0; colour < kNumPictureColours; ++colour)
    for (int k = 0; k < 200; ++k) {
      const Rgb rgb = jittered_colour(colour, gen);
      CHECK(hue_bin(pixel_hue(rgb)) == expected_bin[colour]);
      CHECK(pixel_saturation(rgb) > 0.5);
    }
  CHECK(pixel_hue({200, 100, 100}) == 0.0);
  CHECK(pixel_hue({100, 200, 100}) == 120.0);
  CHECK(pixel_hue({100, 100, 100}) == 0.0);
  CHECK(hue_bin(350.0) == 0);
  CHECK(hue_bin(14.9) == 0);
  CHECK(hue_bin(15.0) == 1);
}
