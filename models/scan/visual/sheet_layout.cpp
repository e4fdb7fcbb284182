#include "models/scan/visual/sheet_layout.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"

namespace scan {

SheetLayout sheet_layout(int tiles, int tile_width, int tile_height, SheetSpacing spacing) {
  fw::check(tiles >= 1, "sheet_layout", "expected at least one tile, got ", tiles);
  fw::check(tile_width >= 1 && tile_height >= 1, "sheet_layout", "expected tiles of at least 1 x 1 pixel, got ",
            tile_width, " x ", tile_height);
  SheetLayout l;
  l.tiles = tiles;
  l.tile_width = tile_width;
  l.tile_height = tile_height;
  l.spacing = spacing;
  l.columns = std::clamp(static_cast<int>(std::ceil(std::sqrt(static_cast<double>(tiles)) - 1e-9)), 1,
                         std::max(1, spacing.max_columns));
  if (spacing.columns > 0) l.columns = std::min(spacing.columns, tiles);
  l.rows = (tiles + l.columns - 1) / l.columns;
  l.width = 2 * spacing.margin + l.columns * tile_width + (l.columns - 1) * spacing.gap;
  l.height = 2 * spacing.margin + spacing.header + spacing.footer + l.rows * tile_height + (l.rows - 1) * spacing.gap;
  return l;
}

}  // namespace scan
