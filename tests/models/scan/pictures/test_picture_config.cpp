#include <doctest/doctest.h>

#include "framework/core/error.h"
#include "models/scan/pictures/picture_config.h"
#include "models/scan/pictures/picture_words.h"

using namespace scan;
using fw::Error;

TEST_CASE("pictures: the default configuration is valid and names its split sizes") {
  const PictureConfig config;
  CHECK_NOTHROW(config.validate());
  CHECK(config.width == 128);
  CHECK(config.regions == 36);
  CHECK(config.img_dim == 256);
  CHECK(config.images("train") == 2000);
  CHECK(config.images("dev") == 100);
  CHECK(config.images("test") == 100);
  CHECK_THROWS_WITH_AS(config.images("val"), "PictureConfig::images: unknown split 'val'; expected train, dev or test",
                       Error);
}

TEST_CASE("pictures: validate names the field, its value and what is accepted") {
  const auto error_of = [](auto change) {
    PictureConfig config;
    change(config);
    try {
      config.validate();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(
      error_of([](PictureConfig& c) { c.dev_images = 0; }) ==
      "PictureConfig: expected at least 1 image per split, got train_images = 2000, dev_images = 0, test_images = 100");
  CHECK(error_of([](PictureConfig& c) { c.width = 40; }) == "PictureConfig: expected width in 48..1024 pixels, got 40");
  CHECK(error_of([](PictureConfig& c) { c.height = 2000; }) ==
        "PictureConfig: expected height in 48..1024 pixels, got 2000");
  CHECK(error_of([](PictureConfig& c) { c.min_objects = 3, c.max_objects = 2; }) ==
        "PictureConfig: expected 1 <= min_objects <= max_objects, got min_objects = 3, max_objects = 2");
  CHECK(error_of([](PictureConfig& c) { c.max_objects = 5; }) == "PictureConfig: expected max_objects <= 4, got 5");
  CHECK(error_of([](PictureConfig& c) { c.regions = 3; }) ==
        "PictureConfig: expected regions in max_objects + 1 = 4 (a tight box per object and the whole picture) "
        ".. 1000, got 3");
  CHECK(error_of([](PictureConfig& c) { c.img_dim = 7; }) == "PictureConfig: expected img_dim >= 8, got 7");
  CHECK(error_of([](PictureConfig& c) { c.img_dim = 8, c.regions = 4, c.width = 48; }) == "no error");
}

TEST_CASE("pictures: the vocabulary is fixed: specials, grammar, relations, sizes, colours, shapes") {
  const Vocabulary vocab = picture_vocabulary();
  CHECK(vocab.word(0) == "<pad>");
  CHECK(vocab.word(3) == "<unk>");
  CHECK(vocab.word(4) == "a");
  CHECK(vocab.word(5) == "an");
  CHECK(vocab.id(".") == 14);
  CHECK(vocab.id("left") == 15);
  CHECK(vocab.id("below") == 18);
  CHECK(vocab.id("small") == 19);
  CHECK(vocab.id("red") == 21);
  CHECK(vocab.id("circle") == 27);
  CHECK(vocab.id("cross") == 32);
  CHECK(vocab.size() == 33);  // 4 specials, 11 grammar words, 4 relation words, 2 sizes, 6 colours, 6 shapes
  CHECK(picture_vocabulary().size() == vocab.size());
}
