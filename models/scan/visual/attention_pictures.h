#pragma once
// The pictures `scan attend` draws from one image-caption pair (alignment.h):
//   word_attention_picture   one word's text-to-image attention over the image (heatmap.h), its
//                            most attended box outlined, a title and a colour legend;
//   attention_contact_sheet  every word's map in a grid, each tile labelled with its word, the
//                            weight of its top region and its relevance R_j; the caption and the
//                            pair's score in the header; one legend;
//   region_words_picture     image-to-text: the most relevant regions (by R_r) outlined and
//                            numbered, each listed beside the image with the words it attends most.
// Each map is scaled to its own maximum (the legend says so): a word's map shows where that word
// looks, its label how concentrated it is.
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/visual/alignment.h"
#include "models/scan/visual/boxes.h"
#include "models/scan/visual/image.h"
#include "models/scan/visual/text.h"

namespace scan {

// `image` scaled so that its longer side is `side` pixels (up or down), the aspect kept.
Image fit_image(const Image& image, int side);

// The words the pictures show: every token but <start>, <end> and <pad>, in caption order.
std::vector<int64_t> shown_words(const PairAlignment& alignment);

// "0.62", "-0.05": two decimals.
std::string two_decimals(double value);

Image word_attention_picture(const Image& image, const std::vector<Box>& boxes, const PairAlignment& alignment,
                             int64_t word, const Font& font, int side = 480);

Image attention_contact_sheet(const Image& image, const std::vector<Box>& boxes, const PairAlignment& alignment,
                              const std::string& caption, const Font& font, int tile_side = 200);

Image region_words_picture(const Image& image, const std::vector<Box>& boxes, const PairAlignment& alignment,
                           const Font& font, int top_regions = 5, int top_words = 3, int side = 480);

}  // namespace scan
