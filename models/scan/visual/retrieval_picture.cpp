#include "models/scan/visual/retrieval_picture.h"

#include <algorithm>

#include "framework/core/error.h"
#include "models/scan/visual/attention_pictures.h"
#include "models/scan/visual/draw.h"
#include "models/scan/visual/sheet_layout.h"

namespace scan {

Image retrieval_grid(const std::string& query, const std::vector<RetrievedImage>& results, const Font& font,
                     int tile_side) {
  fw::check(!results.empty(), "retrieval_grid", "expected at least one retrieved image");
  constexpr Rgb kPaper{255, 255, 255}, kInk{33, 33, 33}, kMuted{110, 110, 110};
  constexpr Rgb kTrue{46, 160, 67}, kOther{200, 200, 200};
  SheetSpacing spacing;
  spacing.header = 50;
  spacing.footer = 24;
  spacing.columns = 4;  // ranks read left to right in rows of 4
  const int frame = 4, label = 24;
  const SheetLayout layout =
      sheet_layout(static_cast<int>(results.size()), tile_side + 2 * frame, tile_side + 2 * frame + label, spacing);
  Image grid(std::max(layout.width, 480), layout.height, kPaper);
  const int inner = grid.width() - 2 * spacing.margin;
  font.draw_text(grid, font.fit_text("\"" + query + "\"", 20, inner), spacing.margin, spacing.margin, 20, kInk);
  font.draw_text(grid, "top " + std::to_string(results.size()) + " images by score; green: a true match",
                 spacing.margin, spacing.margin + 27, 14, kMuted);
  for (size_t t = 0; t < results.size(); ++t) {
    const RetrievedImage& r = results[t];
    const int x = layout.tile_x(static_cast<int>(t)), y = layout.tile_y(static_cast<int>(t));
    const Image fitted = fit_image(r.picture, tile_side);
    fill_rect(grid, x, y, x + tile_side + 2 * frame, y + tile_side + 2 * frame, r.relevant ? kTrue : kOther);
    paste(grid, fitted, x + frame + (tile_side - fitted.width()) / 2, y + frame + (tile_side - fitted.height()) / 2);
    const std::string text = "#" + std::to_string(t + 1) + "  image " + std::to_string(r.index) + "  " +
                             two_decimals(r.score) + (r.relevant ? "  \u2713" : "");
    font.draw_text(grid, font.fit_text(text, 14, layout.tile_width), x, y + tile_side + 2 * frame + 4, 14,
                   r.relevant ? kTrue : kInk);
  }
  return grid;
}

}  // namespace scan
