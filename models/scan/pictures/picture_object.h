#pragma once
// One object of a synthetic picture: a shape in a colour and a size, drawn centred in a square
// "layout box" of side `side` pixels, and the tight box of what is drawn.
//   PictureObject star;
//   star.shape = kStar; star.colour = kBlue; star.size = kLarge;
//   star.centre_x = 64; star.centre_y = 40; star.side = 44; star.rotation = 0.3;
//   ShapeOutline outline = make_outline(star);        // shape_outline.h: the exact geometry
// Coordinates are pixels with (0, 0) the top-left corner of the picture; pixel (x, y) covers
// [x, x + 1) x [y, y + 1), so its centre is (x + 0.5, y + 0.5).
#include <array>
#include <cstdint>

#include "models/scan/pictures/picture_words.h"
#include "models/scan/visual/image.h"

namespace scan {

// x1 y1 x2 y2 in pixels, x1 < x2, y1 < y2.
using PictureBox = std::array<float, 4>;

struct PictureObject {
  int64_t shape = kCircle;            // PictureShape
  int64_t colour = kRed;              // PictureColour
  int64_t size = kSmall;              // PictureSize
  Rgb rgb;                            // the colour painted: the base colour with a little jitter (picture_palette.h)
  double centre_x = 0, centre_y = 0;  // centre of the layout box
  double side = 0;                    // side of the layout box
  double rotation = 0;                // radians; positive turns clockwise on screen (y points down)
  PictureBox box{};                   // the tight box of the drawn shape, widened to multiples of 1/16 pixel
};

}  // namespace scan
