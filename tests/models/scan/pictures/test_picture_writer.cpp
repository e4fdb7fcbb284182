#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "models/scan/data/captions.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/npy.h"
#include "models/scan/data/vocab.h"
#include "models/scan/pictures/picture_dataset_writer.h"
#include "models/scan/visual/image.h"
#include "tests/models/scan/data/data_test_support.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using fw::Shape;
using picture_test::tiny_config;
using scan_test::read_bytes;
using scan_test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("pictures: the writer produces the original layout, boxes, objects and the requested pictures") {
  PictureConfig config = tiny_config();
  config.train_images = 6;
  TempDir dir;
  write_picture_dataset(config, dir.str(), "pictures_precomp", {"dev"});
  const fs::path folder = fs::path(dir.str()) / "pictures_precomp";
  const PictureSplit dev = make_picture_split(config, "dev");
  for (const std::string split : {"train", "dev", "test"}) {
    CAPTURE(split);
    const int64_t n = config.images(split);
    const NpyArray ims((folder / (split + "_ims.npy")).string());
    CHECK(ims.shape() == Shape{n, 12, 16});
    CHECK(ims.dtype() == fw::DType::Float32);
    const NpyArray boxes((folder / (split + "_boxes.npy")).string());
    CHECK(boxes.shape() == Shape{n, 12, 4});
    const std::string captions = read_bytes((folder / (split + "_caps.txt")).string());
    CHECK(std::count(captions.begin(), captions.end(), '\n') == 5 * n);
    const nlohmann::json objects = nlohmann::json::parse(read_bytes((folder / (split + "_objects.json")).string()));
    REQUIRE(objects["images"].size() == static_cast<std::size_t>(n));
    for (const nlohmann::json& image : objects["images"]) {
      REQUIRE(!image["objects"].empty());
      for (const nlohmann::json& object : image["objects"]) {
        CHECK(picture_test::index_in(shape_words(), object["name"].get<std::string>()) >= 0);
        REQUIRE(object["attributes"].size() == 2);
        CHECK(picture_test::index_in(size_words(), object["attributes"][0].get<std::string>()) >= 0);
        CHECK(picture_test::index_in(colour_words(), object["attributes"][1].get<std::string>()) >= 0);
        REQUIRE(object["box"].size() == 4);
        CHECK(object["box"][0].get<double>() < object["box"][2].get<double>());
      }
    }
    CHECK(fs::exists(folder / (split + "_images.txt")) == (split == "dev"));
    CHECK(fs::exists(folder / "images" / split) == (split == "dev"));
  }
  // The dev split as written is the split in memory.
  const NpyArray ims((folder / "dev_ims.npy").string());
  CHECK(ims.read_rows(0, 4).to_vector<float>() == dev.features().to_vector<float>());
  CHECK(NpyArray((folder / "dev_boxes.npy").string()).read_rows(0, 4).to_vector<float>() ==
        dev.boxes().to_vector<float>());
  CHECK(read_captions((folder / "dev_caps.txt").string()) == dev.caption_texts());
  const nlohmann::json objects = nlohmann::json::parse(read_bytes((folder / "dev_objects.json").string()));
  const PictureObject& first = dev.scenes()[0].objects[0];
  CHECK(objects["images"][0]["objects"][0]["name"] == shape_words()[first.shape]);
  CHECK(objects["images"][0]["objects"][0]["box"][1].get<double>() == first.box[1]);
  CHECK(objects["images"][0]["objects"].size() == dev.scenes()[0].objects.size());
  // Pictures: one PNG per image row, listed relative to the list's folder, with the rendered pixels.
  CHECK(read_bytes((folder / "dev_images.txt").string()) ==
        "images/dev/00000.png\nimages/dev/00001.png\nimages/dev/00002.png\nimages/dev/00003.png\n");
  const Image second = load_image((folder / "images" / "dev" / "00001.png").string());
  const Image rendered = dev.render(1);
  REQUIRE(second.width() == 64);
  CHECK(std::equal(second.bytes(), second.bytes() + 64 * 64 * 3, rendered.bytes()));
  // The vocabulary and PrecompDataset read it back.
  const Vocabulary vocab = Vocabulary::load((fs::path(dir.str()) / "vocab" / "pictures_precomp_vocab.json").string());
  CHECK(vocab.size() == picture_vocabulary().size());
  CHECK(vocab.id("circle") == picture_vocabulary().id("circle"));
  const PrecompDataset train(dir.str(), "pictures_precomp", "train", vocab, 16);
  CHECK(train.size() == 30);
  CHECK(train.num_images() == 6);
  CHECK(train.num_regions() == 12);
  const PictureSplit memory = make_picture_split(config, "train");
  CHECK(
      std::equal(train.caption(7).begin(), train.caption(7).end(), memory.caption(7).begin(), memory.caption(7).end()));
}

TEST_CASE("pictures: the writer rejects unknown image splits before writing anything") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(write_picture_dataset(tiny_config(), dir.str(), "pictures_precomp", {"val"}),
                       "write_picture_dataset: unknown split 'val'; expected train, dev or test", fw::Error);
  CHECK_FALSE(fs::exists(fs::path(dir.str()) / "pictures_precomp"));
  PictureConfig bad = tiny_config();
  bad.img_dim = 2;
  CHECK_THROWS_WITH_AS(write_picture_dataset(bad, dir.str()), "PictureConfig: expected img_dim >= 8, got 2", fw::Error);
}
