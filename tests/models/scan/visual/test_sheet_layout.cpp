// The contact sheet's grid: near-square, capped columns, tile positions and the sheet's size.
#include <doctest/doctest.h>

#include "framework/core/error.h"
#include "models/scan/visual/sheet_layout.h"

TEST_CASE("sheet_layout: 7 tiles make 3 columns of 3 rows, with positions and size from the spacing") {
  scan::SheetSpacing s;
  s.gap = 10;
  s.margin = 5;
  s.header = 20;
  s.footer = 30;
  const scan::SheetLayout l = scan::sheet_layout(7, 100, 50, s);
  CHECK(l.columns == 3);
  CHECK(l.rows == 3);
  CHECK(l.width == 2 * 5 + 3 * 100 + 2 * 10);
  CHECK(l.height == 2 * 5 + 20 + 30 + 3 * 50 + 2 * 10);
  CHECK(l.tile_x(0) == 5);
  CHECK(l.tile_y(0) == 25);
  CHECK(l.tile_x(4) == 5 + 110);  // second column
  CHECK(l.tile_y(4) == 25 + 60);  // second row
  CHECK(l.footer_y() == l.height - 5 - 30);
}

TEST_CASE("sheet_layout: one tile, perfect squares, the column cap, and bad arguments") {
  CHECK(scan::sheet_layout(1, 10, 10, {}).columns == 1);
  CHECK(scan::sheet_layout(9, 10, 10, {}).columns == 3);
  CHECK(scan::sheet_layout(10, 10, 10, {}).columns == 4);
  scan::SheetSpacing narrow;
  narrow.max_columns = 2;
  const scan::SheetLayout l = scan::sheet_layout(9, 10, 10, narrow);
  CHECK(l.columns == 2);
  CHECK(l.rows == 5);
  scan::SheetSpacing rows_of_four;
  rows_of_four.columns = 4;
  CHECK(scan::sheet_layout(8, 10, 10, rows_of_four).rows == 2);
  CHECK(scan::sheet_layout(3, 10, 10, rows_of_four).columns == 3);
  CHECK_THROWS_AS(scan::sheet_layout(0, 10, 10, {}), fw::Error);
  CHECK_THROWS_AS(scan::sheet_layout(3, 0, 10, {}), fw::Error);
}
