// Region boxes: IoU by hand, reading [N, R, 4] and [R, 4] files, and the checks against an image.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/data/npy.h"
#include "models/scan/visual/boxes.h"
#include "tests/models/scan/data/data_test_support.h"

using scan::Box;

TEST_CASE("iou of boxes by hand: disjoint, nested, half overlapping, empty") {
  CHECK(scan::iou({0, 0, 2, 2}, {3, 3, 4, 4}) == 0.0);
  CHECK(scan::iou({0, 0, 4, 4}, {1, 1, 3, 3}) == doctest::Approx(4.0 / 16.0));
  // [0,2]x[0,2] and [1,3]x[0,2]: intersection 2, union 6.
  CHECK(scan::iou({0, 0, 2, 2}, {1, 0, 3, 2}) == doctest::Approx(2.0 / 6.0));
  CHECK(scan::iou({0, 0, 2, 2}, {0, 0, 2, 2}) == 1.0);
  CHECK(scan::iou({1, 1, 1, 5}, {0, 0, 2, 2}) == 0.0);
}

TEST_CASE("read_boxes takes one image's row of an N x R x 4 file, or all of an R x 4 file") {
  scan_test::TempDir dir;
  std::vector<float> values;
  for (int i = 0; i < 2 * 3 * 4; ++i) values.push_back(static_cast<float>(i));
  scan::save_npy(dir.file("many.npy"), fw::Tensor::from_vector(values, {2, 3, 4}));
  scan::save_npy(dir.file("one.npy"), fw::Tensor::from_vector(std::vector<float>(values.begin(), values.begin() + 12),
                                                              {3, 4}));
  const std::vector<Box> row1 = scan::read_boxes(scan::NpyArray(dir.file("many.npy")), 1);
  REQUIRE(row1.size() == 3);
  CHECK(row1[0].x1 == 12);
  CHECK(row1[2].y2 == 23);
  const std::vector<Box> one = scan::read_boxes(scan::NpyArray(dir.file("one.npy")), 0);
  REQUIRE(one.size() == 3);
  CHECK(one[1].x1 == 4);
  CHECK_THROWS_WITH_AS(scan::read_boxes(scan::NpyArray(dir.file("many.npy")), 2),
                       doctest::Contains("image 2 is not among them"), fw::Error);
  scan::save_npy(dir.file("bad.npy"), fw::Tensor::zeros({3, 5}));
  CHECK_THROWS_WITH_AS(scan::read_boxes(scan::NpyArray(dir.file("bad.npy")), 0),
                       doctest::Contains("found shape [3, 5]"), fw::Error);
}

TEST_CASE("check_boxes: the count, x2 <= x1 and boxes outside the image are errors naming the source") {
  const std::vector<Box> good = {{0, 0, 10, 10}, {5, 2, 20, 11}};  // x2 = width + 1 is inside the slack
  CHECK_NOTHROW(scan::check_boxes(good, 19, 10, 2, "f.npy"));
  CHECK_THROWS_WITH_AS(scan::check_boxes(good, 19, 10, 3, "f.npy"),
                       doctest::Contains("f.npy: 2 boxes, but the region features have 3 regions"), fw::Error);
  CHECK_THROWS_WITH_AS(scan::check_boxes({{4, 0, 3, 2}}, 19, 10, 1, "f.npy"),
                       doctest::Contains("box 0 (4, 0, 3, 2) has x2 <= x1"), fw::Error);
  CHECK_THROWS_WITH_AS(scan::check_boxes({{0, 0, 2, 2}, {0, 0, 40, 2}}, 19, 10, 2, "f.npy"),
                       doctest::Contains("box 1 (0, 0, 40, 2) lies outside the 19 x 10 image"), fw::Error);
}
