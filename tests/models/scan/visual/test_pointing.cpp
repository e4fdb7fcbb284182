// Pointing accuracy on a hand-made pair, and the annotation file's errors.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/visual/pointing.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

// Words <start> red circle near star <end> over 4 regions; region 0 is the circle's box, region 1
// a shifted proposal of it (IoU 0.6), region 2 the star's, region 3 the whole picture.
scan::PairAlignment hand_alignment(int circle_top, int star_top) {
  scan::PairAlignment a;
  a.words = {"<start>", "red", "circle", "near", "star", "<end>"};
  a.regions = 4;
  a.t2i.assign(a.words.size() * 4, 0.1);
  a.t2i[2 * 4 + circle_top] = 0.7;
  a.t2i[4 * 4 + star_top] = 0.7;
  return a;
}

const std::vector<scan::Box> kBoxes = {{0, 0, 10, 10}, {0, 0, 10, 6}, {20, 20, 30, 30}, {0, 0, 40, 40}};
const std::vector<scan::AnnotatedObject> kObjects = {{"circle", {"red"}, {0, 0, 10, 10}},
                                                     {"star", {}, {20, 20, 30, 30}}};

}  // namespace

TEST_CASE("add_pointing counts the words naming an object, hits of the top region and the random baseline") {
  scan::PointingTally tally;
  scan::add_pointing(hand_alignment(1, 2), kBoxes, kObjects, tally);  // the proposal (IoU 0.6) and the star: hits
  CHECK(tally.words == 2);
  CHECK(tally.hits == 2);
  // circle: regions 0 and 1 hit (2 of 4); star: region 2 (1 of 4).
  CHECK(tally.random_hits == doctest::Approx(0.75));
  scan::add_pointing(hand_alignment(3, 0), kBoxes, kObjects, tally);  // the whole picture, the circle: misses
  CHECK(tally.words == 4);
  CHECK(tally.hits == 2);
  CHECK(tally.accuracy() == doctest::Approx(0.5));
  CHECK(tally.random_accuracy() == doctest::Approx(1.5 / 4));
}

TEST_CASE("add_pointing: a word naming no annotated object is not counted, and the box count must match") {
  scan::PointingTally tally;
  scan::add_pointing(hand_alignment(0, 2), kBoxes, {{"square", {}, {0, 0, 5, 5}}}, tally);
  CHECK(tally.words == 0);
  CHECK(tally.accuracy() == 0.0);
  CHECK_THROWS_AS(scan::add_pointing(hand_alignment(0, 2), {kBoxes[0]}, kObjects, tally), fw::Error);
}

TEST_CASE("load_objects reads the annotations and names the file in every error") {
  scan_test::TempDir dir;
  const std::string path = dir.file("test_objects.json");
  scan_test::write_bytes(
      path, R"({"images": [{"objects": [{"name": "circle", "attributes": ["red"], "box": [1, 2, 3, 4]}]},
                            {"objects": []}]})");
  const auto objects = scan::load_objects(path, 2);
  REQUIRE(objects.size() == 2);
  REQUIRE(objects[0].size() == 1);
  CHECK(objects[0][0].name == "circle");
  CHECK(objects[0][0].attributes == std::vector<std::string>{"red"});
  CHECK(objects[0][0].box.y2 == 4);
  CHECK(objects[1].empty());
  CHECK_THROWS_WITH_AS(scan::load_objects(path, 3), doctest::Contains("annotates 2 images but the split has 3"),
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::load_objects(dir.file("missing.json"), 1), doctest::Contains("missing.json"), fw::Error);
  scan_test::write_bytes(path, "{\"images\": [");
  CHECK_THROWS_WITH_AS(scan::load_objects(path, 1), doctest::Contains("is not valid JSON"), fw::Error);
  scan_test::write_bytes(path, R"({"images": [{"objects": [{"name": "x", "box": [5, 0, 1, 2]}]}]})");
  CHECK_THROWS_WITH_AS(scan::load_objects(path, 1), doctest::Contains("image 0: the box has x2 <= x1"), fw::Error);
  scan_test::write_bytes(path, R"({"images": [{"objects": [{"box": [0, 0, 1, 2]}]}]})");
  CHECK_THROWS_WITH_AS(scan::load_objects(path, 1), doctest::Contains("string \"name\""), fw::Error);
}
