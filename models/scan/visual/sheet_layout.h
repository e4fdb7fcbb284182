#pragma once
// Where the tiles of a contact sheet go: a grid of near-square shape (columns = ⌈√n⌉, at most
// `max_columns`, unless a number of columns is given), tiles of one size separated by `gap`
// pixels, below a header and above a footer.
//   SheetLayout l = sheet_layout(7, 200, 240, {});   // 3 columns, 3 rows
//   l.tile_x(4), l.tile_y(4)                         // the fifth tile's top-left corner
#include <cstdint>

namespace scan {

struct SheetSpacing {
  int gap = 12, margin = 16, header = 56, footer = 56;
  int max_columns = 6;
  int columns = 0;  // a fixed number of columns (at most the tiles); 0: ⌈√n⌉ capped at max_columns
};

struct SheetLayout {
  int tiles = 0, columns = 0, rows = 0;
  int tile_width = 0, tile_height = 0;
  SheetSpacing spacing;
  int width = 0, height = 0;  // of the whole sheet

  int tile_x(int index) const { return spacing.margin + (index % columns) * (tile_width + spacing.gap); }
  int tile_y(int index) const {
    return spacing.margin + spacing.header + (index / columns) * (tile_height + spacing.gap);
  }
  int footer_y() const { return height - spacing.margin - spacing.footer; }
};

// fw::Error for tiles < 1 or tile sizes < 1.
SheetLayout sheet_layout(int tiles, int tile_width, int tile_height, SheetSpacing spacing);

}  // namespace scan
