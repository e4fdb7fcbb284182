#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/visual/image.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using scan_test::TempDir;
using scan_test::write_bytes;

namespace {

std::string error_of(const std::string& path) {
  try {
    load_image(path);
  } catch (const fw::Error& e) {
    return e.what();
  }
  return "";
}

// A small image whose every pixel differs, so a round trip that swaps or drops pixels shows.
Image gradient(int width, int height) {
  Image image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      image.at(x, y) = Rgb{static_cast<uint8_t>(x * 40), static_cast<uint8_t>(y * 50), static_cast<uint8_t>(x + y)};
  return image;
}

}  // namespace

TEST_CASE("Image fills every pixel and rejects sizes outside 1..32768") {
  const Image image(3, 2, Rgb{1, 2, 3});
  CHECK(image.width() == 3);
  CHECK(image.height() == 2);
  CHECK_FALSE(image.empty());
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) CHECK(image.at(x, y) == Rgb{1, 2, 3});
  CHECK(image.bytes()[0] == 1);
  CHECK(image.bytes()[17] == 3);
  CHECK(Image().empty());
  CHECK_THROWS_WITH_AS(Image(0, 5), doctest::Contains("0 x 5"), fw::Error);
  CHECK_THROWS_WITH_AS(Image(4, 32769), doctest::Contains("4 x 32769"), fw::Error);
  CHECK_THROWS_AS(Image(-1, 1), fw::Error);
  CHECK_NOTHROW(Image(32768, 1));
}

TEST_CASE("write_png then load_image gives back every pixel") {
  TempDir dir;
  const Image original = gradient(5, 4);
  const std::string path = dir.file("round_trip.png");
  write_png(original, path);
  const Image loaded = load_image(path);
  REQUIRE(loaded.width() == 5);
  REQUIRE(loaded.height() == 4);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x) {
      INFO("pixel " << x << ", " << y);
      CHECK(loaded.at(x, y) == original.at(x, y));
    }
}

TEST_CASE("encode_png starts with the PNG signature") {
  const std::vector<uint8_t> png = encode_png(Image(2, 2, Rgb{9, 9, 9}));
  const std::vector<uint8_t> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  REQUIRE(png.size() > signature.size());
  CHECK(std::vector<uint8_t>(png.begin(), png.begin() + 8) == signature);
  CHECK_THROWS_AS(encode_png(Image()), fw::Error);
}

TEST_CASE("load_image names the file and the problem") {
  TempDir dir;
  const std::string missing = dir.file("missing.png");
  const std::string missing_error = error_of(missing);
  CHECK(missing_error.find(missing) != std::string::npos);
  CHECK(missing_error.find("cannot open") != std::string::npos);

  const std::string text = dir.file("notes.txt");
  scan_test::write_bytes(text, "these are not pixels\n");
  const std::string text_error = error_of(text);
  CHECK(text_error.find(text) != std::string::npos);
  CHECK(text_error.find("not an image") != std::string::npos);

  const std::vector<uint8_t> png = encode_png(gradient(6, 6));
  const std::string truncated = dir.file("truncated.png");
  scan_test::write_bytes(truncated, std::string(png.begin(), png.begin() + static_cast<long>(png.size() / 2)));
  const std::string truncated_error = error_of(truncated);
  CHECK(truncated_error.find(truncated) != std::string::npos);
  CHECK(truncated_error.find("load_image") == 0);

  std::vector<uint8_t> wide = encode_png(Image(1, 1));  // IHDR width (big-endian, bytes 16..19) := 40000
  wide[16] = 0, wide[17] = 0, wide[18] = 40000 >> 8, wide[19] = 40000 & 0xFF;
  const std::string too_wide = dir.file("too_wide.png");
  scan_test::write_bytes(too_wide, std::string(wide.begin(), wide.end()));
  const std::string too_wide_error = error_of(too_wide);
  CHECK(too_wide_error.find(too_wide) != std::string::npos);
  CHECK(too_wide_error.find("40000 x 1") != std::string::npos);

  const std::string folder_error = error_of(dir.file(""));
  CHECK(folder_error.find("folder") != std::string::npos);
}

TEST_CASE("resize_image keeps a uniform image uniform and has the asked size") {
  const Image source(8, 6, Rgb{200, 100, 50});
  const Image resized = resize_image(source, 3, 5);
  REQUIRE(resized.width() == 3);
  REQUIRE(resized.height() == 5);
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 3; ++x) CHECK(resized.at(x, y) == Rgb{200, 100, 50});
  CHECK_THROWS_WITH_AS(resize_image(source, 0, 3), doctest::Contains("0 x 3"), fw::Error);
  CHECK_THROWS_AS(resize_image(Image(), 3, 3), fw::Error);
}
