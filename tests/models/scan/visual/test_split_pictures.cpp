// A split's pictures, boxes, features and annotations for evaluation image k: row image_row(5k)
// of every file. With one image row per caption (im_div 1, as Flickr30K's dev) image 1 is row 5;
// every file here encodes its row number, so a wrong mapping shows.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/checkpoint.h"
#include "models/scan/data/npy.h"
#include "models/scan/visual/split_pictures.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

constexpr int64_t kRows = 10;  // 10 captions, one image row each: 2 evaluation images

// <root>/data/one/test_* with row r's features all r, boxes (r, 0, r + 2, 2) and (0, 0, 4, 4),
// a 12 x 4 picture of red level 10 r, and one object named "Obj<r>"; a checkpoint pointing there.
std::string write_one_row_per_caption(const scan_test::TempDir& root) {
  std::vector<float> features, boxes;
  std::vector<std::string> captions, pictures;
  std::string objects = "{\"images\": [";
  for (int64_t r = 0; r < kRows; ++r) {
    for (int i = 0; i < 2 * 3; ++i) features.push_back(static_cast<float>(r));
    for (const float v : {float(r), 0.f, float(r + 2), 2.f, 0.f, 0.f, 4.f, 4.f}) boxes.push_back(v);
    captions.push_back("red dog");
    const std::string picture = "pictures/" + std::to_string(r) + ".png";
    scan::Image image(12, 4, scan::Rgb{static_cast<uint8_t>(10 * r), 0, 0});
    std::filesystem::create_directories(root.file("data/one/pictures"));
    scan::write_png(image, root.file("data/one/" + picture));
    pictures.push_back(picture);
    objects += std::string(r ? ", " : "") + "{\"objects\": [{\"name\": \"Obj" + std::to_string(r) +
               "\", \"box\": [0, 0, 4, 4]}]}";
  }
  scan_test::write_split(root.file("data"), "one", "test", fw::Tensor::from_vector(features, {kRows, 2, 3}), captions);
  scan::save_npy(root.file("data/one/test_boxes.npy"), fw::Tensor::from_vector(boxes, {kRows, 2, 4}));
  std::string list;
  for (const std::string& p : pictures) list += p + "\n";
  scan_test::write_bytes(root.file("data/one/test_images.txt"), list);
  scan_test::write_bytes(root.file("data/one/test_objects.json"), objects + "]}");
  scan::Vocabulary vocab;
  vocab.add("red");
  vocab.add("dog");
  std::filesystem::create_directories(root.file("vocab"));
  vocab.save(root.file("vocab/one_vocab.json"));
  scan::ScanOptions opt;
  opt.data_path = root.file("data");
  opt.data_name = "one";
  opt.vocab_path = root.file("vocab");
  opt.img_dim = 3;
  opt.embed_size = 4;
  opt.word_dim = 3;
  opt.vocab_size = vocab.size();
  fw::Generator gen(1);
  const scan::ScanModel model(opt, gen);
  scan::save_checkpoint(root.file("model.safetensors"), model, nullptr, scan::TrainingState{});
  return root.file("model.safetensors");
}

}  // namespace

TEST_CASE("SplitPictures: evaluation image k reads row image_row(5k) of every file") {
  scan_test::TempDir root;
  const scan::PreparedModel prepared =
      scan::prepare_model(write_one_row_per_caption(root), "--model", {}, "test");
  REQUIRE(prepared.data->im_div() == 1);
  const scan::SplitPictures split(prepared, "test");
  REQUIRE(split.num_images() == 2);
  REQUIRE(split.has_images());
  REQUIRE(split.has_boxes());
  REQUIRE(split.has_objects());
  CHECK(split.features(1).to_vector<float>() == std::vector<float>(6, 5.0f));
  const scan::Image picture = split.image(1);
  CHECK(picture.at(0, 0).r == 50);
  const std::vector<scan::Box> boxes = split.boxes(1, picture);
  CHECK(boxes[0].x1 == 5);
  CHECK(boxes[0].x2 == 7);
  CHECK(split.objects(1).at(0).name == "obj5");  // lower-cased, as caption tokens are
  CHECK(split.objects(0).at(0).name == "obj0");
  CHECK_THROWS_WITH_AS(split.boxes(2), doctest::Contains("expected an image from 0 to 1, got 2"), fw::Error);
  // Row 1's boxes, (1, 0, 3, 2), would fit; row 5's do not fit a 4 x 4 picture: the check uses the
  // right row.
  CHECK_THROWS_WITH_AS(split.boxes(1, scan::Image(4, 4)), doctest::Contains("lies outside the 4 x 4 image"),
                       fw::Error);
}

TEST_CASE("SplitPictures refuses a boxes file or picture list with another number of rows than the features") {
  scan_test::TempDir root;
  const std::string checkpoint = write_one_row_per_caption(root);
  scan::save_npy(root.file("data/one/test_boxes.npy"), fw::Tensor::zeros({2, 2, 4}));
  const scan::PreparedModel prepared = scan::prepare_model(checkpoint, "--model", {}, "test");
  CHECK_THROWS_WITH_AS(scan::SplitPictures(prepared, "test"), doctest::Contains("must hold [10, R, 4] boxes"),
                       fw::Error);
  std::filesystem::remove(root.file("data/one/test_boxes.npy"));
  scan_test::write_bytes(root.file("data/one/test_images.txt"), "pictures/0.png\n");
  CHECK_THROWS_WITH_AS(scan::SplitPictures(prepared, "test"), doctest::Contains("lists 1 pictures but the split has 10"),
                       fw::Error);
}
