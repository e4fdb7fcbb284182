// tools/bottom_up_to_precomp.py: a bottom-up-attention TSV (made here with numpy) becomes the
// split's features, boxes and picture list, in the order of the id file, which `scan` reads back.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "models/scan/data/npy.h"
#include "models/scan/visual/boxes.h"
#include "models/scan/visual/image_list.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

// Three images (ids 10, 11, 12) of 4 boxes and 8 feature values: feature values are the image id
// plus the box index / 10; box k of image i is (k, k, k + 5 + i, k + 6) in a 40 x 30 picture.
constexpr const char* kMakeTsv = R"(
import base64, sys
import numpy as np
with open(sys.argv[1], "w") as f:
    for i, image_id in enumerate([10, 11, 12]):
        boxes = np.array([[k, k, k + 5 + i, k + 6] for k in range(4)], dtype=np.float32)
        feats = np.array([[image_id + k / 10] * 8 for k in range(4)], dtype=np.float32)
        if len(sys.argv) > 2 and i == 1:
            boxes[2, 2] = 99  # outside the 40 x 30 picture
        enc = lambda a: base64.b64encode(a.tobytes()).decode()
        f.write("\t".join([str(image_id), "40", "30", "4", enc(boxes), enc(feats)]) + "\n")
)";

}  // namespace

TEST_CASE("bottom_up_to_precomp.py writes features, boxes and the picture list in the order of the ids") {
  scan_test::TempDir dir;
  const std::string python = scan_test::python_with_numpy();
  scan_test::run_python(python, kMakeTsv, {dir.file("test.tsv")});
  scan_test::write_bytes(dir.file("ids.txt"), "12\n10\n11\n");
  const std::string tool = std::string(SCAN_SOURCE_DIR) + "/tools/bottom_up_to_precomp.py";
  const scan_test::CommandResult run =
      scan_test::run_command(python + " " + tool + " --tsv " + dir.file("test.tsv") + " --split test --out " +
                             dir.file("data/mine") + " --ids " + dir.file("ids.txt") + " --images_dir " +
                             dir.file("pictures") + " --image_pattern '{id}.png'");
  INFO(run.output);
  REQUIRE(run.status == 0);
  const scan::NpyArray features(dir.file("data/mine/test_ims.npy"));
  CHECK(features.shape() == fw::Shape{3, 4, 8});
  CHECK(features.row<float>(0)[0] == doctest::Approx(12.0));       // ids order: 12 first
  CHECK(features.row<float>(1)[8 * 3] == doctest::Approx(10.3));   // image 10, box 3
  const scan::NpyArray boxes_file(dir.file("data/mine/test_boxes.npy"));
  const std::vector<scan::Box> boxes = scan::read_boxes(boxes_file, 2);  // image 11
  CHECK(boxes[1].x2 == 7);
  CHECK_NOTHROW(scan::check_boxes(boxes, 40, 30, 4, "converted"));
  const std::vector<std::string> pictures =
      scan::read_image_list(scan::image_list_path(dir.file("data"), "mine", "test"), 3);
  CHECK(pictures[0] == dir.file("data/mine/../../pictures/12.png"));

  scan_test::run_python(python, kMakeTsv, {dir.file("bad.tsv"), "bad"});
  const scan_test::CommandResult bad = scan_test::run_command(python + " " + tool + " --tsv " + dir.file("bad.tsv") +
                                                              " --split dev --out " + dir.file("data/mine"));
  CHECK(bad.status != 0);
  CHECK(bad.output.find("image 11: box 2") != std::string::npos);
}
