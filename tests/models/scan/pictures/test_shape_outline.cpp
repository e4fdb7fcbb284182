#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "models/scan/pictures/shape_outline.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using picture_test::make_object;

TEST_CASE("pictures: shapes cover their centre (all but the ring) and fit their layout box") {
  for (int64_t shape = 0; shape < kNumPictureShapes; ++shape)
    for (double rotation : {0.0, 0.3, -0.5, 1.1}) {
      PictureObject object = make_object(shape, kRed, kLarge, 32.0, 30.0, 40.0);
      object.rotation = rotation;
      const ShapeOutline outline = make_outline(object);
      CHECK(inside(outline, 32.0, 30.0) == (shape != kRing));
      const std::array<double, 4> box = outline_box(outline);
      // The larger side is the fill fraction of the layout box, centred on its centre.
      CHECK(std::max(box[2] - box[0], box[3] - box[1]) == doctest::Approx(kShapeFill * 40.0));
      CHECK((box[0] + box[2]) / 2 == doctest::Approx(32.0));
      CHECK((box[1] + box[3]) / 2 == doctest::Approx(30.0));
      CHECK(box[0] >= 12.0);
      CHECK(box[3] <= 50.0);
    }
}

TEST_CASE("pictures: the exact geometry of each shape") {
  const double half = kShapeFill * 20.0;  // a layout box of side 40 at (50, 50)
  const ShapeOutline ring = make_outline(make_object(kRing, kRed, kLarge, 50, 50, 40, 100, 100));
  CHECK(inside(ring, 50 + 0.9 * half, 50));
  CHECK_FALSE(inside(ring, 50 + 0.5 * half, 50));  // the hole
  CHECK_FALSE(inside(ring, 50 + 1.01 * half, 50));
  const ShapeOutline square = make_outline(make_object(kSquare, kRed, kLarge, 50, 50, 40, 100, 100));
  CHECK(inside(square, 50 + 0.99 * half, 50 - 0.99 * half));  // a corner
  CHECK_FALSE(inside(square, 50 + 1.01 * half, 50));
  const ShapeOutline cross = make_outline(make_object(kCross, kRed, kLarge, 50, 50, 40, 100, 100));
  CHECK(inside(cross, 50 + 0.95 * half, 50));                    // the end of an arm
  CHECK_FALSE(inside(cross, 50 + 0.6 * half, 50 + 0.6 * half));  // between two arms
  const ShapeOutline star = make_outline(make_object(kStar, kRed, kLarge, 50, 50, 40, 100, 100));
  const std::array<double, 4> box = outline_box(star);
  CHECK(inside(star, (box[0] + box[2]) / 2, box[1] + 0.5));  // the top point
  CHECK_FALSE(inside(star, box[0] + 1, box[1] + 1));         // beside it
  const ShapeOutline triangle = make_outline(make_object(kTriangle, kRed, kLarge, 50, 50, 40, 100, 100));
  const std::array<double, 4> t = outline_box(triangle);
  CHECK(t[2] - t[0] == doctest::Approx(2 * half));                       // the base is the larger side
  CHECK(t[3] - t[1] == doctest::Approx(2 * half * std::sqrt(3.0) / 2));  // and the height sqrt(3) / 2 of it
  CHECK(inside(triangle, 50, t[3] - 0.5));
  CHECK_FALSE(inside(triangle, t[0] + 1, t[1] + 1));
}

TEST_CASE("pictures: pixel coverage is 1 inside, 0 outside and fractional on the edge") {
  const ShapeOutline circle = make_outline(make_object(kCircle, kRed, kLarge, 50, 50, 40, 100, 100));
  CHECK(pixel_coverage(circle, 50, 50) == 1.0);
  CHECK(pixel_coverage(circle, 5, 5) == 0.0);
  // Along the circle the coverage sums to about its area.
  double area = 0;
  for (int y = 20; y < 80; ++y)
    for (int x = 20; x < 80; ++x) area += pixel_coverage(circle, x, y);
  const double r = kShapeFill * 20.0;
  CHECK(area == doctest::Approx(std::numbers::pi * r * r).epsilon(0.003));
  const double edge = pixel_coverage(circle, static_cast<int>(50 + r), 50);
  CHECK(edge > 0.0);
  CHECK(edge < 1.0);
}
