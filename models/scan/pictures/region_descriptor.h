#pragma once
// The descriptor of one region box, computed from the PIXELS inside it (never from the scene): what
// the colour, shape, layout and place of its content are. region_features.h lifts it to img_dim.
//   PixelSums sums(picture);
//   RegionDescriptor d = region_descriptor(sums, box);
//   double red_share = d[kDescriptorHue + 0];            // share of the foreground in the red hue bin
//
// Notation: the box's pixels are the w x h pixels whose centres lie in it (box_pixels, columns x0..,
// rows y0..); n = w h. The foreground F is its pixels of saturation > kForegroundSaturation
// (pixel_sums.h), n_F = |F|; x, y are pixel indices. Colours are divided by 255. Where the
// foreground is empty its blocks are 0, except the centroid, which is (0.5, 0.5).
//   index  size  block
//   0      1     foreground fraction n_F / n
//   1      3     mean r, g, b over F
//   4      3     standard deviation of r, g, b over F (population: sqrt(E[c^2] - E[c]^2))
//   7      3     mean r, g, b over the box
//   10     3     standard deviation of r, g, b over the box
//   13     12    hue histogram of F: share of F in each 30-degree bin, bin k centred on 30 k degrees
//                (0 red, 1 orange, 2 yellow, 4 green, 8 blue, 9 purple; sums to 1)
//   25     25    5 x 5 occupancy: the share of foreground pixels in each cell of a 5 x 5 grid over the box,
//                row-major from the top left; cell (i, j) holds columns x0 + floor(w j / 5) ..
//                x0 + floor(w (j + 1) / 5) - 1 and likewise rows (an empty cell, when w or h < 5, is 0)
//   50     2     centroid of F relative to the box: ((x_mean + 0.5 - x0) / w, (y_mean + 0.5 - y0) / h)
//   52     7     normalised central moments of F's mask, eta_pq = mu_pq / n_F^(1 + (p + q) / 2) for
//                pq = 20, 02, 11, 30, 03, 21, 12, with mu_pq = sum over F of (x - x_mean)^p (y - y_mean)^q;
//                invariant to translation and scale (a disc has eta_20 = eta_02 = 1 / (4 pi))
//   59     2     Hu's first invariants phi_1 = eta_20 + eta_02, phi_2 = (eta_20 - eta_02)^2 + 4 eta_11^2
//                (also invariant to rotation; phi_1 grows from disc 0.159 and square 0.167 to star and ring)
//   61     4     bounding box of F relative to the box: (fx0 - x0) / w, (fy0 - y0) / h, (fx1 - x0) / w,
//                (fy1 - y0) / h, with F in columns fx0..fx1 - 1 and rows fy0..fy1 - 1
//   65     1     extent: n_F / ((fx1 - fx0) (fy1 - fy0)), how much of its own bounding box F fills
//   66     10    the box in the picture (W x H pixels), from its float corners x1 y1 x2 y2:
//                x1 / W, y1 / H, x2 / W, y2 / H, centre (x1 + x2) / 2W, (y1 + y2) / 2H, width (x2 - x1) / W,
//                height (y2 - y1) / H, area (x2 - x1)(y2 - y1) / WH, aspect ln((x2 - x1) / (y2 - y1))
#include <array>
#include <cstdint>

#include "models/scan/pictures/pixel_sums.h"

namespace scan {

inline constexpr int kDescriptorForeground = 0, kDescriptorForegroundMean = 1, kDescriptorForegroundStd = 4,
                     kDescriptorBoxMean = 7, kDescriptorBoxStd = 10, kDescriptorHue = 13, kDescriptorGrid = 25,
                     kDescriptorCentroid = 50, kDescriptorMoments = 52, kDescriptorHu = 59, kDescriptorMaskBox = 61,
                     kDescriptorExtent = 65, kDescriptorGeometry = 66;
inline constexpr int kGridCells = 5, kGridCellCount = kGridCells * kGridCells;
inline constexpr int kRegionDescriptorSize = 76;

using RegionDescriptor = std::array<double, kRegionDescriptorSize>;

RegionDescriptor region_descriptor(const PixelSums& sums, const PictureBox& box);

}  // namespace scan
