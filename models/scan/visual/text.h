#pragma once
// TrueType text on an Image (stb_truetype): labels, captions and scores on visualisations.
//   Font font = Font::load_default();                          // DejaVu Sans or $SCAN_FONT
//   const int height = font.line_height(16);                   // pixels per line at 16 px
//   font.draw_text(canvas, "a dog on a beach", 8, 4, 16, Rgb{0, 0, 0});
//   font.draw_text(canvas, font.fit_text(caption, 16, 200), 8, 4 + height, 16, Rgb{0, 0, 0});
// Text is UTF-8; code points the font lacks draw as its missing-glyph box. Copying a Font is
// cheap: copies share the immutable font data.
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "models/scan/visual/image.h"

namespace scan {

class Font {
 public:
  // Reads a .ttf file; fw::Error naming `path` if it is missing or not a TrueType font.
  static Font load(const std::string& path);
  // The font used when none is named: $SCAN_FONT if set and not empty (an error naming the
  // variable if that file is missing), else the first that exists of
  // /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf, /usr/share/fonts/TTF/DejaVuSans.ttf,
  // /usr/share/fonts/dejavu/DejaVuSans.ttf and
  // /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf; an error saying how to
  // install one when none does.
  static std::string find_default_path();
  static Font load_default() { return load(find_default_path()); }

  const std::string& path() const;
  // Width in pixels of the UTF-8 string at this pixel height (kerning included): the advance of
  // the whole string or, if larger, the right edge of its last glyph, rounded up.
  int text_width(std::string_view utf8, double pixel_height) const;
  // Line height (ascent - descent + line gap, rounded up) at this pixel height.
  int line_height(double pixel_height) const;
  // Draws the text with its top-left corner at (x, y_top): glyph coverage alpha-blended onto the
  // image in `colour`, clipped to the image. The baseline is y_top + round(ascent * scale).
  void draw_text(Image& image, std::string_view utf8, int x, int y_top, double pixel_height, Rgb colour) const;
  // `utf8` itself if it fits in max_width pixels; otherwise the longest prefix (whole code points)
  // that, followed by "…", fits, with the "…" appended ("" if not even "…" fits).
  std::string fit_text(std::string_view utf8, double pixel_height, int max_width) const;

 private:
  struct State;  // the font file's bytes and the stbtt_fontinfo pointing into them
  explicit Font(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace scan
