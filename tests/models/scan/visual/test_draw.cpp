#include <doctest/doctest.h>

#include "models/scan/visual/draw.h"

using namespace scan;

namespace {

const Rgb kWhite{255, 255, 255};
const Rgb kBlack{0, 0, 0};
const Rgb kRed{255, 0, 0};

bool same(const Image& a, const Image& b) {
  if (a.width() != b.width() || a.height() != b.height()) return false;
  for (int y = 0; y < a.height(); ++y)
    for (int x = 0; x < a.width(); ++x)
      if (!(a.at(x, y) == b.at(x, y))) return false;
  return true;
}

int count(const Image& image, Rgb colour) {
  int n = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) n += image.at(x, y) == colour;
  return n;
}

}  // namespace

TEST_CASE("blend mixes per channel, rounds to nearest and clamps the opacity") {
  CHECK(blend(kBlack, kWhite, 0.5) == Rgb{128, 128, 128});  // 127.5 rounds up
  CHECK(blend(Rgb{10, 20, 30}, Rgb{20, 40, 60}, 0.25) == Rgb{13, 25, 38});  // 12.5, 25, 37.5
  CHECK(blend(Rgb{0, 0, 0}, Rgb{3, 3, 3}, 0.3) == Rgb{1, 1, 1});  // 0.9
  CHECK(blend(kRed, kBlack, -1.0) == kRed);
  CHECK(blend(kRed, kBlack, 2.0) == kBlack);
}

TEST_CASE("fill_rect with opacity 0.5 sets exactly the pixels of the half-open rectangle") {
  Image image(4, 3, Rgb{100, 0, 200});
  fill_rect(image, 1, 0, 3, 2, Rgb{0, 255, 100}, 0.5);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) {
      INFO("pixel " << x << ", " << y);
      const bool inside = x >= 1 && x < 3 && y < 2;
      CHECK(image.at(x, y) == (inside ? Rgb{50, 128, 150} : Rgb{100, 0, 200}));
    }
}

TEST_CASE("fill_rect clips rectangles partly or wholly outside the image") {
  Image image(4, 3, kWhite);
  fill_rect(image, -5, -5, 2, 1, kRed);
  CHECK(count(image, kRed) == 2);
  CHECK(image.at(0, 0) == kRed);
  CHECK(image.at(1, 0) == kRed);
  CHECK(image.at(2, 0) == kWhite);

  const Image before = image;
  fill_rect(image, 4, 0, 10, 3, kBlack);
  fill_rect(image, -10, -10, 0, 0, kBlack);
  fill_rect(image, 0, 3, 4, 100, kBlack);
  fill_rect(image, 3, 2, 1, 0, kBlack);  // inverted: empty
  CHECK(same(image, before));

  fill_rect(image, -100, -100, 100, 100, kBlack);
  CHECK(count(image, kBlack) == 12);
}

TEST_CASE("draw_rect with thickness 1 paints the border and leaves the inside") {
  Image image(5, 5, kWhite);
  draw_rect(image, 0, 0, 5, 5, kBlack, 1);
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 5; ++x) {
      INFO("pixel " << x << ", " << y);
      const bool border = x == 0 || y == 0 || x == 4 || y == 4;
      CHECK(image.at(x, y) == (border ? kBlack : kWhite));
    }
}

TEST_CASE("draw_rect thickness grows inward and is clipped") {
  Image image(6, 6, kWhite);
  draw_rect(image, 0, 0, 6, 6, kBlack, 2);
  CHECK(count(image, kWhite) == 4);
  CHECK(image.at(2, 2) == kWhite);
  CHECK(image.at(3, 3) == kWhite);
  CHECK(image.at(1, 1) == kBlack);

  Image clipped(4, 4, kWhite);
  draw_rect(clipped, 2, 2, 10, 10, kRed, 1);  // only the top and left edges are visible
  CHECK(count(clipped, kRed) == 3);
  CHECK(clipped.at(2, 2) == kRed);
  CHECK(clipped.at(3, 2) == kRed);
  CHECK(clipped.at(2, 3) == kRed);
  CHECK(clipped.at(3, 3) == kWhite);
}

TEST_CASE("paste copies src with its top left at x, y and clips") {
  Image src(2, 2);
  src.at(0, 0) = Rgb{1, 1, 1};
  src.at(1, 0) = Rgb{2, 2, 2};
  src.at(0, 1) = Rgb{3, 3, 3};
  src.at(1, 1) = Rgb{4, 4, 4};

  Image dst(3, 3, kWhite);
  paste(dst, src, 2, -1);  // only src (0, 1) lands, at (2, 0)
  CHECK(dst.at(2, 0) == Rgb{3, 3, 3});
  CHECK(count(dst, kWhite) == 8);

  Image inside(3, 3, kWhite);
  paste(inside, src, 1, 1);
  CHECK(inside.at(1, 1) == Rgb{1, 1, 1});
  CHECK(inside.at(2, 2) == Rgb{4, 4, 4});
  CHECK(count(inside, kWhite) == 5);

  const Image before = inside;
  paste(inside, src, 3, 0);
  paste(inside, src, -2, -2);
  paste(inside, Image(), 0, 0);
  CHECK(same(inside, before));
}

TEST_CASE("draw_line draws both ends and the pixels between") {
  Image image(5, 5, kWhite);
  draw_line(image, 0, 0, 4, 4, kBlack);
  CHECK(count(image, kBlack) == 5);
  for (int k = 0; k < 5; ++k) CHECK(image.at(k, k) == kBlack);

  Image horizontal(5, 3, kWhite);
  draw_line(horizontal, -10, 1, 100, 1, kRed, 1);
  CHECK(count(horizontal, kRed) == 5);
  for (int x = 0; x < 5; ++x) CHECK(horizontal.at(x, 1) == kRed);

  Image thick(5, 5, kWhite);
  draw_line(thick, 2, 0, 2, 4, kBlack, 3);
  CHECK(count(thick, kBlack) == 15);
  CHECK(thick.at(1, 2) == kBlack);
  CHECK(thick.at(3, 2) == kBlack);
  CHECK(thick.at(0, 2) == kWhite);

  Image far(4, 4, kWhite);
  draw_line(far, -2000000000, -5, 2000000000, -5, kBlack, 1);
  CHECK(count(far, kWhite) == 16);
}
