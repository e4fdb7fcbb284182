#pragma once
// Region boxes: [R, 4] rows x1 y1 x2 y2 in pixels of the image (the bottom-up-attention
// convention; (0, 0) is the top-left corner), as stored in {split}_boxes.npy ([N, R, 4]) beside
// the region features.
//   NpyArray file("data/f30k_precomp/test_boxes.npy");
//   std::vector<Box> boxes = read_boxes(file, 7);                        // image row 7
//   check_boxes(boxes, photo.width(), photo.height(), 36, file.path());  // fw::Error if they do not fit
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/data/npy.h"

namespace scan {

struct Box {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width() const { return x2 - x1; }
  double height() const { return y2 - y1; }
  double area() const { return width() > 0 && height() > 0 ? width() * height() : 0.0; }
  bool contains(double x, double y) const { return x >= x1 && x < x2 && y >= y1 && y < y2; }
};

// Intersection over union; 0 when either box is empty.
double iou(const Box& a, const Box& b);

// The boxes of image row `row` of a [N, R, 4] array, or all of a [R, 4] one (row must be 0).
// fw::Error naming the file for another shape, a row out of range, or a non-finite value.
std::vector<Box> read_boxes(const NpyArray& file, int64_t row);

// Every box must satisfy 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height, with one pixel of
// slack outside the image (extractors that count the last pixel inclusively write x2 = width);
// there must be `regions` of them (the features' region count). fw::Error naming `source` and the
// first bad box otherwise.
void check_boxes(const std::vector<Box>& boxes, int width, int height, int64_t regions, const std::string& source);

}  // namespace scan
