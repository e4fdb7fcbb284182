#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "framework/core/error.h"
#include "models/scan/visual/text.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using scan_test::TempDir;
using scan_test::write_bytes;

namespace {

const Rgb kWhite{255, 255, 255};
const Rgb kBlack{0, 0, 0};
const std::string kEllipsis = "\xE2\x80\xA6";

// One font for all tests: loading it each time would only repeat the same file read.
const Font& font() {
  static const Font loaded = Font::load_default();
  return loaded;
}

std::string load_error(const std::string& path) {
  try {
    Font::load(path);
  } catch (const fw::Error& e) {
    return e.what();
  }
  return "";
}

// Sets an environment variable for one scope and puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("draw_text paints dark pixels only inside its width and line height") {
  const double size = 20.0;
  const int x = 7, y = 5;
  const int width = font().text_width("Ag", size), height = font().line_height(size);
  REQUIRE(width > 0);
  REQUIRE(height >= 20);
  Image image(60, 40, kWhite);
  font().draw_text(image, "Ag", x, y, size, kBlack);
  int darkest = 255, changed = 0, outside = 0;
  for (int py = 0; py < image.height(); ++py)
    for (int px = 0; px < image.width(); ++px) {
      const Rgb pixel = image.at(px, py);
      if (pixel == kWhite) continue;
      ++changed;
      outside += px < x || px >= x + width || py < y || py >= y + height;
      darkest = std::min<int>(darkest, pixel.r);
    }
  CHECK(changed > 20);
  CHECK(outside == 0);
  CHECK(darkest < 100);
}

TEST_CASE("draw_text is clipped at the image edges") {
  Image image(10, 10, kWhite);
  font().draw_text(image, "Wide text", -15, -8, 24.0, kBlack);
  font().draw_text(image, "Wide text", 500, 500, 24.0, kBlack);
  CHECK(image.width() == 10);
}

TEST_CASE("text_width grows with the text and is 0 for the empty string") {
  const int a = font().text_width("a", 16.0), ab = font().text_width("ab", 16.0);
  CHECK(a > 0);
  CHECK(ab > a);
  CHECK(font().text_width("", 16.0) == 0);
  CHECK(font().text_width("ab", 32.0) > ab);
  CHECK_THROWS_AS(font().text_width("a", 0.0), fw::Error);

  Image image(20, 20, kWhite);
  font().draw_text(image, "", 2, 2, 16.0, kBlack);
  for (int py = 0; py < 20; ++py)
    for (int px = 0; px < 20; ++px) CHECK(image.at(px, py) == kWhite);
}

TEST_CASE("fit_text shortens long text with an ellipsis and keeps short text") {
  const std::string long_text = "a brown dog runs along the beach next to the waves at sunset";
  const std::string fitted = font().fit_text(long_text, 14.0, 80);
  CHECK(fitted.size() > kEllipsis.size());
  CHECK(fitted.size() < long_text.size());
  CHECK(fitted.compare(fitted.size() - kEllipsis.size(), kEllipsis.size(), kEllipsis) == 0);
  CHECK(long_text.compare(0, fitted.size() - kEllipsis.size(), fitted, 0, fitted.size() - kEllipsis.size()) == 0);
  CHECK(font().text_width(fitted, 14.0) <= 80);

  CHECK(font().fit_text("dog", 14.0, 80) == "dog");
  CHECK(font().fit_text(long_text, 14.0, 0) == "");
  const std::string accents = font().fit_text("caf\xC3\xA9 caf\xC3\xA9 caf\xC3\xA9 caf\xC3\xA9", 14.0, 40);
  CHECK(accents.size() < 20);
  CHECK(font().text_width(accents, 14.0) <= 40);
}

TEST_CASE("Font::load names the file that is missing or not a font") {
  TempDir dir;
  const std::string missing = dir.file("missing.ttf");
  const std::string missing_error = load_error(missing);
  CHECK(missing_error.find(missing) != std::string::npos);

  const std::string text = dir.file("readme.ttf");
  scan_test::write_bytes(text, "this is a text file, not a font\n");
  const std::string text_error = load_error(text);
  CHECK(text_error.find(text) != std::string::npos);
  CHECK(text_error.find("not a TrueType font") != std::string::npos);

  const std::string empty = dir.file("empty.ttf");
  scan_test::write_bytes(empty, "");
  CHECK(load_error(empty).find(empty) != std::string::npos);

  const Font copy = font();  // copies share the font data
  CHECK(copy.path() == font().path());
  CHECK(copy.text_width("dog", 12.0) == font().text_width("dog", 12.0));
}

TEST_CASE("SCAN_FONT chooses the default font and a missing one is named") {
  TempDir dir;
  {
    const ScopedEnv env("SCAN_FONT", dir.file("nowhere.ttf"));
    CHECK_THROWS_WITH_AS(Font::find_default_path(), doctest::Contains("SCAN_FONT"), fw::Error);
  }
  {
    const ScopedEnv env("SCAN_FONT", font().path());
    CHECK(Font::find_default_path() == font().path());
  }
}
