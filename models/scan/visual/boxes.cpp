#include "models/scan/visual/boxes.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"

namespace scan {

double iou(const Box& a, const Box& b) {
  const Box overlap{std::max(a.x1, b.x1), std::max(a.y1, b.y1), std::min(a.x2, b.x2), std::min(a.y2, b.y2)};
  const double inter = overlap.area();
  const double united = a.area() + b.area() - inter;
  return united > 0 ? inter / united : 0.0;
}

std::vector<Box> read_boxes(const NpyArray& file, int64_t row) {
  const fw::Shape& shape = file.shape();
  const bool one_image = shape.size() == 2 && shape[1] == 4;
  const bool many = shape.size() == 3 && shape[2] == 4;
  fw::check(one_image || many, "boxes", "'", file.path(), "' must hold boxes [N, R, 4] or [R, 4] (x1 y1 x2 y2), ",
            "found shape ", fw::shape_str(shape));
  const int64_t rows = one_image ? 1 : shape[0];
  fw::check(row >= 0 && row < rows, "boxes", "'", file.path(), "' has boxes of ", rows, " image(s); image ", row,
            " is not among them");
  const int64_t regions = one_image ? shape[0] : shape[1];
  std::vector<double> values(static_cast<size_t>(regions * 4));
  if (one_image) {
    const fw::Tensor all = file.read_rows(0, regions, fw::DType::Float64);
    std::copy_n(all.data<double>(), values.size(), values.begin());
  } else {
    file.copy_row<double>(row, values.data());
  }
  std::vector<Box> boxes;
  for (int64_t r = 0; r < regions; ++r) {
    const double* v = &values[r * 4];
    fw::check(std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]) && std::isfinite(v[3]), "boxes", "'",
              file.path(), "': box ", r, " of image ", row, " holds a NaN or an infinity");
    boxes.push_back({v[0], v[1], v[2], v[3]});
  }
  return boxes;
}

void check_boxes(const std::vector<Box>& boxes, int width, int height, int64_t regions, const std::string& source) {
  fw::check(static_cast<int64_t>(boxes.size()) == regions, "boxes", source, ": ", boxes.size(),
            " boxes, but the region features have ", regions, " regions (one box per region, in the same order)");
  constexpr double kSlack = 1.0;
  for (size_t r = 0; r < boxes.size(); ++r) {
    const Box& b = boxes[r];
    fw::check(b.x1 < b.x2 && b.y1 < b.y2, "boxes", source, ": box ", r, " (", b.x1, ", ", b.y1, ", ", b.x2, ", ", b.y2,
              ") has x2 <= x1 or y2 <= y1; expected x1 y1 x2 y2 with x1 < x2 and y1 < y2");
    const bool inside = b.x1 >= -kSlack && b.y1 >= -kSlack && b.x2 <= width + kSlack && b.y2 <= height + kSlack;
    fw::check(inside, "boxes", source, ": box ", r, " (", b.x1, ", ", b.y1, ", ", b.x2, ", ", b.y2,
              ") lies outside the ", width, " x ", height, " image; boxes are in pixels of the image they were "
              "extracted from");
  }
}

}  // namespace scan
