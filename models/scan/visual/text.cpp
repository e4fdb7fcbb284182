#include "models/scan/visual/text.h"

#include <stb_truetype.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/data/utf8.h"
#include "models/scan/visual/draw.h"

namespace scan {

struct Font::State {
  std::string path;
  std::vector<unsigned char> bytes;
  stbtt_fontinfo info{};  // points into `bytes`, which never moves after construction
  int ascent = 0, descent = 0, line_gap = 0;
};

namespace {

namespace fs = std::filesystem;

constexpr const char* kEllipsis = "\xE2\x80\xA6";  // U+2026 "…"
constexpr double kMaxPixelHeight = 4096.0;

const char* const kDefaultFontPaths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
};

uint32_t big_endian(const std::vector<unsigned char>& bytes, std::size_t at, int width) {
  uint32_t value = 0;
  for (int k = 0; k < width; ++k) value = (value << 8) | bytes[at + k];
  return value;
}

// stb_truetype trusts the file, so before handing it over check that the table directory and
// every table it lists lie inside the file (this catches truncated and non-font files).
bool table_directory_fits(const std::vector<unsigned char>& bytes, int offset) {
  const std::size_t start = static_cast<std::size_t>(offset);
  if (start + 12 > bytes.size()) return false;
  const std::size_t tables = big_endian(bytes, start + 4, 2);
  if (tables == 0 || start + 12 + 16 * tables > bytes.size()) return false;
  for (std::size_t k = 0; k < tables; ++k) {
    const std::size_t entry = start + 12 + 16 * k;
    const uint64_t table_end = uint64_t{big_endian(bytes, entry + 8, 4)} + big_endian(bytes, entry + 12, 4);
    if (table_end > bytes.size()) return false;
  }
  return true;
}

float scale_for(const stbtt_fontinfo& info, double pixel_height, const char* op) {
  fw::check(pixel_height > 0.0 && pixel_height <= kMaxPixelHeight, op, "pixel height must be in (0, ",
            kMaxPixelHeight, "], got ", pixel_height);
  return stbtt_ScaleForPixelHeight(&info, static_cast<float>(pixel_height));
}

// Lays the code points of `utf8` out on one line from pen position 0: calls visit(glyph, pen_x)
// for each, kerning included, and returns the pen position after the last advance.
template <typename Visit>
double lay_out(const stbtt_fontinfo& info, std::string_view utf8, float scale, Visit visit) {
  double pen = 0.0;
  int previous = -1;
  for (std::size_t i = 0; i < utf8.size();) {
    const utf8::CodePoint cp = utf8::decode(utf8, i);
    i += cp.length;
    const int glyph = stbtt_FindGlyphIndex(&info, static_cast<int>(cp.value));
    if (previous >= 0) pen += scale * stbtt_GetGlyphKernAdvance(&info, previous, glyph);
    visit(glyph, pen);
    int advance = 0, left_bearing = 0;
    stbtt_GetGlyphHMetrics(&info, glyph, &advance, &left_bearing);
    pen += scale * advance;
    previous = glyph;
  }
  return pen;
}

struct GlyphBox {
  int x0, y0, x1, y1;  // pixels relative to (floor(pen), baseline)
  float shift_x;       // the pen's fractional part, for subpixel placement
};

GlyphBox glyph_box(const stbtt_fontinfo& info, int glyph, float scale, double pen) {
  GlyphBox box{};
  box.shift_x = static_cast<float>(pen - std::floor(pen));
  stbtt_GetGlyphBitmapBoxSubpixel(&info, glyph, scale, scale, box.shift_x, 0.0f, &box.x0, &box.y0, &box.x1,
                                  &box.y1);
  return box;
}

}  // namespace

Font Font::load(const std::string& path) {
  std::error_code error;
  fw::check(!fs::is_directory(path, error), "Font", "'", path, "' is a folder, expected a .ttf file");
  std::ifstream in(path, std::ios::binary);
  fw::check(in.good(), "Font", "cannot open '", path, "': ", std::strerror(errno));
  auto state = std::make_shared<State>();
  state->path = path;
  state->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  fw::check(!in.bad(), "Font", "failed while reading '", path, "'");

  const std::vector<unsigned char>& bytes = state->bytes;
  // A collection ("ttcf") header holds its first font's offset at bytes 12-15.
  const int offset = bytes.size() < 16 ? -1 : stbtt_GetFontOffsetForIndex(bytes.data(), 0);
  fw::check(offset >= 0 && table_directory_fits(bytes, offset) && stbtt_InitFont(&state->info, bytes.data(), offset),
            "Font", "'", path, "' is not a TrueType font (", bytes.size(), " bytes; expected a .ttf or .ttc file)");
  stbtt_GetFontVMetrics(&state->info, &state->ascent, &state->descent, &state->line_gap);
  return Font(std::move(state));
}

std::string Font::find_default_path() {
  const char* variable = std::getenv("SCAN_FONT");
  if (variable && *variable) {
    std::error_code error;
    fw::check(fs::is_regular_file(variable, error), "Font", "SCAN_FONT is set to '", variable,
              "', which is not a file (point SCAN_FONT at a .ttf file, or unset it to use the system font)");
    return variable;
  }
  std::string looked_for;
  for (const char* candidate : kDefaultFontPaths) {
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) return candidate;
    looked_for += (looked_for.empty() ? "" : ", ") + std::string(candidate);
  }
  throw fw::Error("Font: no TrueType font found (looked for " + looked_for +
                  "): install fonts-dejavu-core (apt-get install fonts-dejavu-core), or set SCAN_FONT=FILE.ttf / "
                  "pass --font FILE.ttf");
}

const std::string& Font::path() const { return state_->path; }

int Font::text_width(std::string_view utf8, double pixel_height) const {
  const stbtt_fontinfo& info = state_->info;
  const float scale = scale_for(info, pixel_height, "Font::text_width");
  double right = 0.0;
  const double advance = lay_out(info, utf8, scale, [&](int glyph, double pen) {
    const GlyphBox box = glyph_box(info, glyph, scale, pen);
    if (box.x1 > box.x0) right = std::max(right, std::floor(pen) + box.x1);
  });
  return static_cast<int>(std::ceil(std::max(right, advance) - 1e-6));
}

int Font::line_height(double pixel_height) const {
  const float scale = scale_for(state_->info, pixel_height, "Font::line_height");
  const double height = scale * static_cast<double>(state_->ascent - state_->descent + state_->line_gap);
  return static_cast<int>(std::ceil(height - 1e-6));
}

void Font::draw_text(Image& image, std::string_view utf8, int x, int y_top, double pixel_height, Rgb colour) const {
  const stbtt_fontinfo& info = state_->info;
  const float scale = scale_for(info, pixel_height, "Font::draw_text");
  const int64_t baseline = int64_t{y_top} + std::lround(state_->ascent * scale);
  std::vector<unsigned char> coverage;
  lay_out(info, utf8, scale, [&](int glyph, double pen) {
    const GlyphBox box = glyph_box(info, glyph, scale, pen);
    const int width = box.x1 - box.x0, height = box.y1 - box.y0;
    if (width <= 0 || height <= 0) return;
    const int64_t left = int64_t{x} + static_cast<int64_t>(std::floor(pen)) + box.x0, top = baseline + box.y0;
    if (left >= image.width() || top >= image.height() || left + width <= 0 || top + height <= 0) return;
    coverage.assign(static_cast<std::size_t>(width) * height, 0);
    stbtt_MakeGlyphBitmapSubpixel(&info, coverage.data(), width, height, width, scale, scale, box.shift_x, 0.0f,
                                  glyph);
    for (int row = 0; row < height; ++row)
      for (int column = 0; column < width; ++column) {
        const unsigned char alpha = coverage[static_cast<std::size_t>(row) * width + column];
        const int64_t px = left + column, py = top + row;
        if (alpha == 0 || !image.contains(static_cast<int>(px), static_cast<int>(py))) continue;
        Rgb& pixel = image.at(static_cast<int>(px), static_cast<int>(py));
        pixel = blend(pixel, colour, alpha / 255.0);
      }
  });
}

std::string Font::fit_text(std::string_view utf8, double pixel_height, int max_width) const {
  if (text_width(utf8, pixel_height) <= max_width) return std::string(utf8);
  std::vector<std::size_t> ends;  // byte offset after each code point but the last
  for (std::size_t i = 0; i < utf8.size();) {
    i += utf8::decode(utf8, i).length;
    if (i < utf8.size()) ends.push_back(i);
  }
  auto shortened = [&](std::size_t code_points) {
    return std::string(utf8.substr(0, code_points == 0 ? 0 : ends[code_points - 1])) + kEllipsis;
  };
  auto fits = [&](std::size_t code_points) { return text_width(shortened(code_points), pixel_height) <= max_width; };
  if (!fits(0)) return "";
  std::size_t lo = 0, hi = ends.size();  // fits(lo) holds; the answer is in [lo, hi]
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return shortened(lo);
}

}  // namespace scan
