#include <doctest/doctest.h>

#include <cmath>

#include "framework/core/random.h"
#include "models/scan/pictures/picture_scene.h"
#include "models/scan/pictures/region_proposals.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using picture_test::tiny_config;

namespace {

bool on_sixteenths(float v) { return std::floor(v * 16.0f) == v * 16.0f; }

bool valid_box(const PictureBox& b, int width, int height) {
  return b[0] >= 0 && b[1] >= 0 && b[2] <= width && b[3] <= height && b[2] - b[0] >= kMinRegionSide &&
         b[3] - b[1] >= kMinRegionSide && on_sixteenths(b[0]) && on_sixteenths(b[1]) && on_sixteenths(b[2]) &&
         on_sixteenths(b[3]);
}

}  // namespace

TEST_CASE("pictures: scenes place 1-3 objects apart, with sizes as configured and tight boxes inside") {
  const PictureConfig config = tiny_config();
  fw::Generator gen(11);
  int64_t counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 200; ++i) {
    const PictureScene scene = sample_scene(config, gen);
    REQUIRE(!scene.objects.empty());
    REQUIRE(scene.objects.size() <= 3);
    ++counts[scene.objects.size()];
    for (std::size_t a = 0; a < scene.objects.size(); ++a) {
      const PictureObject& o = scene.objects[a];
      CHECK(valid_box(o.box, 64, 64));
      const double fraction = o.side / 64.0;
      if (o.size == kSmall) {
        CHECK(fraction >= kSmallSideMin);
        CHECK(fraction <= kSmallSideMax);
      } else {
        CHECK(fraction >= kLargeSideMin);
        CHECK(fraction <= kLargeSideMax);
      }
      // The tight box lies in the layout box, which lies in the picture.
      CHECK(o.box[0] >= o.centre_x - o.side / 2);
      CHECK(o.box[2] <= o.centre_x + o.side / 2);
      CHECK(o.centre_x - o.side / 2 >= 1);
      CHECK(o.centre_y + o.side / 2 <= 63);
      for (std::size_t b = a + 1; b < scene.objects.size(); ++b) {
        const PictureObject& p = scene.objects[b];
        const double gap_x = std::abs(o.centre_x - p.centre_x) - (o.side + p.side) / 2;
        const double gap_y = std::abs(o.centre_y - p.centre_y) - (o.side + p.side) / 2;
        CHECK(std::max(gap_x, gap_y) >= kObjectGap);
      }
    }
  }
  CHECK(counts[1] > 30);  // each count about a third of the time
  CHECK(counts[2] > 30);
  CHECK(counts[3] > 30);
}

TEST_CASE("pictures: region boxes hold the tight boxes, near and loose proposals, the picture and background") {
  PictureConfig config = tiny_config();
  config.regions = 20;
  fw::Generator gen(12);
  for (int i = 0; i < 50; ++i) {
    const PictureScene scene = sample_scene(config, gen);
    REQUIRE(scene.regions.size() == 20);
    int whole = 0;
    for (const PictureBox& box : scene.regions) {
      CHECK(valid_box(box, 64, 64));
      whole += box == PictureBox{0, 0, 64, 64} ? 1 : 0;
    }
    CHECK(whole >= 1);
    for (const PictureObject& object : scene.objects) {
      int exact = 0, near = 0, loose = 0;
      for (const PictureBox& box : scene.regions) {
        const double iou = box_iou(box, object.box);
        exact += box == object.box ? 1 : 0;
        near += box != object.box && iou >= 0.5 ? 1 : 0;
        loose += iou < 0.5 && iou > 0 ? 1 : 0;
      }
      CHECK(exact >= 1);
      CHECK(near >= 2);
      CHECK(loose >= 1);
    }
  }
}

TEST_CASE("pictures: other picture sizes work, the object sizes scaling with the smaller side") {
  PictureConfig config = tiny_config();
  config.width = 160;
  config.height = 96;
  config.max_objects = 4;
  fw::Generator gen(14);
  for (int i = 0; i < 30; ++i) {
    const PictureScene scene = sample_scene(config, gen);
    CHECK(scene.width == 160);
    for (const PictureBox& box : scene.regions) CHECK(valid_box(box, 160, 96));
    for (const PictureObject& o : scene.objects) {
      CHECK(o.side <= kLargeSideMax * 96);
      CHECK(o.side >= kSmallSideMin * 96);
      CHECK(o.centre_y + o.side / 2 <= 95);
    }
  }
}

TEST_CASE("pictures: boxes are fitted into the picture and IoU is the overlap ratio") {
  CHECK(fit_box(-3, 10, 20.01, 12, 64, 64) == PictureBox{0, 9, 20.0625f, 13});  // widened to 4 around the middle
  CHECK(fit_box(62, 0, 70, 64, 64, 64) == PictureBox{60, 0, 64, 64});
  CHECK(box_iou({0, 0, 10, 10}, {0, 0, 10, 10}) == 1.0);
  CHECK(box_iou({0, 0, 10, 10}, {5, 0, 15, 10}) == doctest::Approx(1.0 / 3));
  CHECK(box_iou({0, 0, 10, 10}, {10, 0, 20, 10}) == 0.0);
}

TEST_CASE("pictures: relations follow the dominant axis and are left out when it is ambiguous") {
  using picture_test::make_object;
  const PictureObject a = make_object(kCircle, kRed, kSmall, 10, 30, 10);
  CHECK(relation_between(a, make_object(kCircle, kBlue, kSmall, 40, 35, 10)) == kLeftOf);
  CHECK(relation_between(make_object(kCircle, kBlue, kSmall, 40, 35, 10), a) == kRightOf);
  CHECK(relation_between(a, make_object(kCircle, kBlue, kSmall, 14, 55, 10)) == kAbove);
  CHECK(relation_between(a, make_object(kCircle, kBlue, kSmall, 14, 5, 10)) == kBelow);
  CHECK_FALSE(relation_between(a, make_object(kCircle, kBlue, kSmall, 30, 51, 10)).has_value());  // 20 vs 21
  // Over sampled scenes, the same as what a viewer sees.
  fw::Generator gen(13);
  int related = 0;
  for (int i = 0; i < 100; ++i) {
    const PictureScene scene = sample_scene(tiny_config(), gen);
    for (const PictureObject& p : scene.objects)
      for (const PictureObject& q : scene.objects) {
        if (&p == &q) continue;
        CHECK(relation_between(p, q) == picture_test::seen_relation(p, q));
        related += relation_between(p, q).has_value() ? 1 : 0;
      }
  }
  CHECK(related > 100);
  CHECK(inverse_relation(kAbove) == kBelow);
  CHECK(inverse_relation(kLeftOf) == kRightOf);
}
