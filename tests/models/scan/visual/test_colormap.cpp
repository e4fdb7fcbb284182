#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "models/scan/visual/colormap.h"

using namespace scan;

namespace {

double luminance(Rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

}  // namespace

TEST_CASE("viridis hits its anchors at 0, 0.5 and 1") {
  CHECK(viridis(0.0) == Rgb{68, 1, 84});
  CHECK(viridis(0.5) == Rgb{38, 130, 142});
  CHECK(viridis(1.0) == Rgb{253, 231, 37});
  CHECK(viridis(0.125) == Rgb{72, 40, 120});
  CHECK(viridis(0.0625) == Rgb{70, 21, 102});  // halfway between the first two anchors, rounded
}

TEST_CASE("viridis clamps out-of-range values and treats NaN as 0") {
  CHECK(viridis(-1.0) == viridis(0.0));
  CHECK(viridis(2.0) == viridis(1.0));
  CHECK(viridis(std::numeric_limits<double>::quiet_NaN()) == viridis(0.0));
  CHECK(viridis(std::numeric_limits<double>::infinity()) == viridis(1.0));
}

TEST_CASE("viridis gets strictly brighter from 0 to 1") {
  double previous = -1.0;
  for (int k = 0; k <= 64; ++k) {
    const double current = luminance(viridis(k / 64.0));
    INFO("step " << k);
    CHECK(current > previous);
    previous = current;
  }
}

TEST_CASE("draw_colour_bar runs dark to yellow inside a grey frame") {
  Image horizontal(20, 6, Rgb{255, 255, 255});
  draw_colour_bar(horizontal, 0, 0, 20, 6);
  CHECK(horizontal.at(0, 3) == Rgb{60, 60, 60});
  CHECK(horizontal.at(19, 3) == Rgb{60, 60, 60});
  CHECK(horizontal.at(5, 0) == Rgb{60, 60, 60});
  CHECK(horizontal.at(5, 5) == Rgb{60, 60, 60});
  CHECK(horizontal.at(1, 3) == viridis(0.0));
  CHECK(horizontal.at(18, 3) == viridis(1.0));
  CHECK(luminance(horizontal.at(1, 3)) < 40);
  const Rgb right = horizontal.at(18, 3);
  CHECK(right.r > 200);
  CHECK(right.g > 200);
  CHECK(right.b < 100);

  Image vertical(6, 20, Rgb{255, 255, 255});
  draw_colour_bar(vertical, 0, 0, 6, 20, false);
  CHECK(vertical.at(3, 18) == viridis(0.0));  // bottom
  CHECK(vertical.at(3, 1) == viridis(1.0));   // top

  Image clipped(5, 5, Rgb{255, 255, 255});
  draw_colour_bar(clipped, -10, -10, 100, 100);
  CHECK(clipped.at(2, 2) == viridis(11.0 / 97.0));
}
