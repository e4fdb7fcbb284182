#include "models/scan/visual/attention_pictures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "framework/core/error.h"
#include "models/scan/visual/colormap.h"
#include "models/scan/visual/draw.h"
#include "models/scan/visual/heatmap.h"
#include "models/scan/visual/sheet_layout.h"

namespace scan {

namespace {

constexpr Rgb kPaper{255, 255, 255}, kInk{33, 33, 33}, kMuted{110, 110, 110}, kHighlight{255, 255, 255};
// Distinct outline colours for numbered regions (Tableau 10).
constexpr Rgb kPalette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                            {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

struct ShownMap {
  Image painted;            // the fitted image with the word's attention
  std::vector<Box> boxes;   // in the fitted image's pixels
  double peak = 0;          // the largest field value
};

ShownMap paint_word(const Image& fitted, const std::vector<Box>& boxes, const Image& original,
                    const PairAlignment& a, int64_t word) {
  ShownMap shown;
  shown.boxes = scale_boxes(boxes, original.width(), original.height(), fitted.width(), fitted.height());
  const std::span<const double> weights(&a.t2i[word * a.regions], static_cast<size_t>(a.regions));
  const std::vector<double> field = attention_field(fitted.width(), fitted.height(), shown.boxes, weights);
  shown.peak = max_value(field);
  shown.painted = paint_attention(fitted, field, shown.peak);
  const Box& top = shown.boxes[a.top_region(word)];
  draw_rect(shown.painted, static_cast<int>(std::floor(top.x1)), static_cast<int>(std::floor(top.y1)),
            static_cast<int>(std::ceil(top.x2)), static_cast<int>(std::ceil(top.y2)), kHighlight, 2);
  return shown;
}

// A horizontal colour bar with "0" at its left end and `right_label` at its right, then `caption`.
void draw_legend(Image& canvas, const Font& font, int x, int y, int width, const std::string& right_label,
                 const std::string& caption) {
  const double size = 13;
  draw_colour_bar(canvas, x, y, width, 12);
  font.draw_text(canvas, "0", x, y + 15, size, kMuted);
  font.draw_text(canvas, right_label, x + width - font.text_width(right_label, size), y + 15, size, kMuted);
  font.draw_text(canvas, caption, x + width + 12, y - 1, size, kMuted);
}

void check_pair(const Image& image, const std::vector<Box>& boxes, const PairAlignment& a) {
  fw::check(!image.empty(), "attention picture", "expected an image, got an empty one");
  fw::check(static_cast<int64_t>(boxes.size()) == a.regions, "attention picture", "expected ", a.regions,
            " boxes (one per region), got ", boxes.size());
}

}  // namespace

Image fit_image(const Image& image, int side) {
  const double scale = static_cast<double>(side) / std::max(image.width(), image.height());
  const int w = std::max(1, static_cast<int>(std::lround(image.width() * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(image.height() * scale)));
  return resize_image(image, w, h);
}

std::vector<int64_t> shown_words(const PairAlignment& alignment) {
  std::vector<int64_t> words;
  for (int64_t j = 0; j < alignment.num_words(); ++j)
    if (!alignment.is_special(j)) words.push_back(j);
  return words;
}

std::string two_decimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

Image word_attention_picture(const Image& image, const std::vector<Box>& boxes, const PairAlignment& a, int64_t word,
                             const Font& font, int side) {
  check_pair(image, boxes, a);
  const ShownMap shown = paint_word(fit_image(image, side), boxes, image, a, word);
  const int margin = 16, title = 34, legend = 44;
  Image canvas(shown.painted.width() + 2 * margin, shown.painted.height() + 2 * margin + title + legend, kPaper);
  const std::string heading = "\"" + a.words[word] + "\"  top region " +
                              two_decimals(a.word_to_region(word, a.top_region(word))) + "  relevance " +
                              two_decimals(a.word_relevance[word]);
  font.draw_text(canvas, font.fit_text(heading, 20, canvas.width() - 2 * margin), margin, margin, 20, kInk);
  paste(canvas, shown.painted, margin, margin + title);
  draw_legend(canvas, font, margin, margin + title + shown.painted.height() + 12, 160, two_decimals(shown.peak),
              "attention summed over boxes (white: top region)");
  return canvas;
}

Image attention_contact_sheet(const Image& image, const std::vector<Box>& boxes, const PairAlignment& a,
                              const std::string& caption, const Font& font, int tile_side) {
  check_pair(image, boxes, a);
  const std::vector<int64_t> words = shown_words(a);
  fw::check(!words.empty(), "attention contact sheet", "the caption has no word to show");
  const Image fitted = fit_image(image, tile_side);
  const int label = 40;
  SheetSpacing spacing;
  spacing.header = 58;
  spacing.footer = 40;
  const SheetLayout layout = sheet_layout(static_cast<int>(words.size()), std::max(fitted.width(), 150),
                                          fitted.height() + label, spacing);
  const int width = std::max(layout.width, 560);
  Image sheet(width, layout.height, kPaper);
  const int inner = width - 2 * spacing.margin;
  font.draw_text(sheet, font.fit_text(caption, 20, inner), spacing.margin, spacing.margin, 20, kInk);
  font.draw_text(sheet, "score " + two_decimals(a.score) + "   (text-to-image attention of each word)",
                 spacing.margin, spacing.margin + 28, 15, kMuted);
  for (size_t t = 0; t < words.size(); ++t) {
    const int64_t j = words[t];
    const ShownMap shown = paint_word(fitted, boxes, image, a, j);
    const int x = layout.tile_x(static_cast<int>(t)), y = layout.tile_y(static_cast<int>(t));
    paste(sheet, shown.painted, x, y);
    const int text_y = y + fitted.height() + 4;
    font.draw_text(sheet, font.fit_text(a.words[j], 17, layout.tile_width), x, text_y, 17, kInk);
    const std::string numbers =
        "top " + two_decimals(a.word_to_region(j, a.top_region(j))) + "   R " + two_decimals(a.word_relevance[j]);
    font.draw_text(sheet, font.fit_text(numbers, 13, layout.tile_width), x, text_y + 20, 13, kMuted);
  }
  draw_legend(sheet, font, spacing.margin, layout.footer_y() + 14, 140, "max",
              "each map scaled to its maximum; top: weight of the top region (white); R: relevance");
  return sheet;
}

Image region_words_picture(const Image& image, const std::vector<Box>& boxes, const PairAlignment& a,
                           const Font& font, int top_regions, int top_words, int side) {
  check_pair(image, boxes, a);
  const std::vector<int64_t> words = shown_words(a);
  fw::check(!words.empty(), "region words picture", "the caption has no word to show");
  std::vector<int64_t> regions(static_cast<size_t>(a.regions));
  std::iota(regions.begin(), regions.end(), 0);
  std::stable_sort(regions.begin(), regions.end(),
                   [&](int64_t p, int64_t q) { return a.region_relevance[p] > a.region_relevance[q]; });
  regions.resize(static_cast<size_t>(std::min<int64_t>(top_regions, a.regions)));

  const Image fitted = fit_image(image, side);
  const std::vector<Box> shown = scale_boxes(boxes, image.width(), image.height(), fitted.width(), fitted.height());
  const int margin = 16, title = 34, panel = 330, line = 22;
  const int height = std::max(fitted.height(), static_cast<int>(regions.size()) * 2 * line) + 2 * margin + title;
  Image canvas(fitted.width() + panel + 3 * margin, height, kPaper);
  font.draw_text(canvas, "image-to-text: the most relevant regions and the words they attend", margin, margin, 17,
                 kInk);
  Image picture = fitted;
  for (size_t k = regions.size(); k-- > 0;) {  // the most relevant drawn last, on top
    const Box& b = shown[regions[k]];
    const Rgb colour = kPalette[k % std::size(kPalette)];
    const int x1 = static_cast<int>(std::floor(b.x1)), y1 = static_cast<int>(std::floor(b.y1));
    draw_rect(picture, x1, y1, static_cast<int>(std::ceil(b.x2)), static_cast<int>(std::ceil(b.y2)), colour, 3);
    fill_rect(picture, x1, y1, x1 + 18, y1 + 18, colour);
    font.draw_text(picture, std::to_string(k + 1), x1 + 4, y1 + 1, 15, kPaper);
  }
  paste(canvas, picture, margin, margin + title);
  const int panel_x = fitted.width() + 2 * margin;
  for (size_t k = 0; k < regions.size(); ++k) {
    const int64_t r = regions[k];
    std::vector<int64_t> ranked = words;
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](int64_t p, int64_t q) { return a.region_to_word(r, p) > a.region_to_word(r, q); });
    std::string listed;
    for (size_t w = 0; w < ranked.size() && static_cast<int>(w) < top_words; ++w)
      listed += (w ? ",  " : "") + a.words[ranked[w]] + " " + two_decimals(a.region_to_word(r, ranked[w]));
    const int y = margin + title + static_cast<int>(k) * 2 * line;
    const Rgb colour = kPalette[k % std::size(kPalette)];
    fill_rect(canvas, panel_x, y + 2, panel_x + 14, y + 16, colour);
    font.draw_text(canvas, std::to_string(k + 1) + "  region " + std::to_string(r) + "   R " +
                               two_decimals(a.region_relevance[r]), panel_x + 22, y, 15, kInk);
    font.draw_text(canvas, font.fit_text(listed, 14, panel - 22), panel_x + 22, y + line - 2, 14, kMuted);
  }
  return canvas;
}

}  // namespace scan
