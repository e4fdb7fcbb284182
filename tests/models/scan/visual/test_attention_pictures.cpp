// The attention pictures of a hand-made alignment: sizes from the layout, attention painted where
// the weights are, labels drawn.
#include <doctest/doctest.h>

#include <vector>

#include "models/scan/visual/attention_pictures.h"
#include "models/scan/visual/sheet_layout.h"

namespace {

// 2 regions: the left half and the right half of a 40 x 20 grey picture; "left" attends the
// first, "right" the second.
scan::PairAlignment two_words() {
  scan::PairAlignment a;
  a.words = {"<start>", "left", "right", "<end>"};
  a.regions = 2;
  a.t2i = {0.5, 0.5, 0.9, 0.1, 0.2, 0.8, 0.5, 0.5};
  a.i2t = {0.1, 0.6, 0.2, 0.1, 0.1, 0.2, 0.6, 0.1};
  a.word_relevance = {0.1, 0.8, 0.7, 0.1};
  a.region_relevance = {0.9, 0.4};
  a.score = 0.75;
  return a;
}

const std::vector<scan::Box> kHalves = {{0, 0, 20, 20}, {20, 0, 40, 20}};

bool all_white(const scan::Image& image, int x1, int y1, int x2, int y2) {
  for (int y = y1; y < y2; ++y)
    for (int x = x1; x < x2; ++x)
      if (!(image.at(x, y) == scan::Rgb{255, 255, 255})) return false;
  return true;
}

}  // namespace

TEST_CASE("fit_image scales the longer side to the size asked, keeping the aspect") {
  const scan::Image fitted = scan::fit_image(scan::Image(40, 20, {128, 128, 128}), 100);
  CHECK(fitted.width() == 100);
  CHECK(fitted.height() == 50);
  CHECK(scan::shown_words(two_words()) == std::vector<int64_t>{1, 2});
  CHECK(scan::two_decimals(0.756) == "0.76");
}

TEST_CASE("attention_contact_sheet: one tile per word where the layout puts it, the attended half brighter") {
  const scan::Font font = scan::Font::load_default();
  const scan::Image picture(40, 20, {128, 128, 128});
  const scan::PairAlignment a = two_words();
  const scan::Image sheet = scan::attention_contact_sheet(picture, kHalves, a, "left right", font, 100);
  scan::SheetSpacing spacing;
  spacing.header = 58;
  spacing.footer = 40;
  const scan::SheetLayout layout = scan::sheet_layout(2, 150, 50 + 40, spacing);
  CHECK(layout.width < 560);
  CHECK(sheet.width() == 560);  // widened to the minimum
  CHECK(sheet.height() == layout.height);
  CHECK(!all_white(sheet, 16, 16, 300, 40));  // the caption in the header
  // Tile 0 ("left"): its left half takes the colour map's top (yellow-green), its right half is dimmed.
  const scan::Rgb attended = sheet.at(layout.tile_x(0) + 25, layout.tile_y(0) + 25);
  const scan::Rgb ignored = sheet.at(layout.tile_x(0) + 75, layout.tile_y(0) + 25);
  CHECK(attended.g > ignored.g + 60);
  // Tile 1 ("right"): the other way round.
  const int x1 = layout.tile_x(1), y1 = layout.tile_y(1);
  CHECK(sheet.at(x1 + 75, y1 + 25).g > sheet.at(x1 + 25, y1 + 25).g + 60);
  CHECK(!all_white(sheet, layout.tile_x(0), layout.tile_y(0) + 52, layout.tile_x(0) + 100, layout.tile_y(0) + 88));
}

TEST_CASE("word_attention_picture and region_words_picture have the sizes of their parts and refuse a box count") {
  const scan::Font font = scan::Font::load_default();
  const scan::Image picture(40, 20, {128, 128, 128});
  const scan::Image word = scan::word_attention_picture(picture, kHalves, two_words(), 1, font, 200);
  CHECK(word.width() == 200 + 2 * 16);
  CHECK(word.height() == 100 + 2 * 16 + 34 + 44);
  const scan::Image regions = scan::region_words_picture(picture, kHalves, two_words(), font, 2, 2, 200);
  CHECK(regions.width() == 200 + 330 + 3 * 16);
  // Region 0 is the most relevant: outlined in the first palette colour (blue) at its left edge.
  CHECK(regions.at(16 + 1, 16 + 34 + 50) == scan::Rgb{31, 119, 180});
  CHECK_THROWS(scan::word_attention_picture(picture, {kHalves[0]}, two_words(), 1, font));
}
