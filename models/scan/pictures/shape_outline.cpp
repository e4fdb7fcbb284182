#include "models/scan/pictures/shape_outline.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "framework/core/error.h"

namespace scan {

namespace {

using Point = std::array<double, 2>;

// `count` points on circles around the origin, alternating between the radii, the first at -90 degrees.
std::vector<Point> radial_polygon(int count, double radius_even, double radius_odd) {
  std::vector<Point> points;
  for (int i = 0; i < count; ++i) {
    const double angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * i / count;
    const double radius = i % 2 == 0 ? radius_even : radius_odd;
    points.push_back({radius * std::cos(angle), radius * std::sin(angle)});
  }
  return points;
}

std::vector<Point> cross_polygon() {
  const double w = kCrossHalfWidth;
  return {{-w, -1}, {w, -1}, {w, -w}, {1, -w}, {1, w}, {w, w}, {w, 1}, {-w, 1}, {-w, w}, {-1, w}, {-1, -w}, {-w, -w}};
}

double segment_distance(const Point& a, const Point& b, double x, double y) {
  const double dx = b[0] - a[0], dy = b[1] - a[1];
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((x - a[0]) * dx + (y - a[1]) * dy) / length2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a[0] + t * dx - x, ey = a[1] + t * dy - y;
  return std::sqrt(ex * ex + ey * ey);
}

// Even-odd crossing test: a horizontal ray from (x, y) to the right crosses the boundary an odd
// number of times exactly when the point is inside (the polygons are simple).
bool inside_polygon(const std::vector<Point>& polygon, double x, double y) {
  bool in = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const Point& a = polygon[i];
    const Point& b = polygon[j];
    if ((a[1] > y) != (b[1] > y) && x < a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])) in = !in;
  }
  return in;
}

}  // namespace

std::vector<std::array<double, 2>> canonical_polygon(int64_t shape) {
  switch (shape) {
    case kSquare: return {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    case kTriangle: return radial_polygon(3, 1, 1);
    case kStar: return radial_polygon(10, 1, kStarInnerRadius);
    case kCross: return cross_polygon();
    case kCircle:
    case kRing: return {};
  }
  throw fw::Error("canonical_polygon: expected a shape in 0.." + std::to_string(kNumPictureShapes - 1) + ", got " +
                  std::to_string(shape));
}

ShapeOutline make_outline(const PictureObject& object) {
  ShapeOutline outline;
  outline.shape = object.shape;
  outline.centre_x = object.centre_x;
  outline.centre_y = object.centre_y;
  const double half = kShapeFill * object.side / 2;
  if (object.shape == kCircle || object.shape == kRing) {
    outline.outer_radius = half;
    outline.inner_radius = object.shape == kRing ? kRingInnerRadius * half : 0.0;
    return outline;
  }
  // Rotate, then centre the rotated shape's bounding box and scale its larger side to 2 * half.
  const double c = std::cos(object.rotation), s = std::sin(object.rotation);
  std::vector<Point> points = canonical_polygon(object.shape);
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (Point& p : points) {
    p = {c * p[0] - s * p[1], s * p[0] + c * p[1]};
    x_lo = std::min(x_lo, p[0]), x_hi = std::max(x_hi, p[0]);
    y_lo = std::min(y_lo, p[1]), y_hi = std::max(y_hi, p[1]);
  }
  const double scale = 2 * half / std::max(x_hi - x_lo, y_hi - y_lo);
  const double mid_x = (x_lo + x_hi) / 2, mid_y = (y_lo + y_hi) / 2;
  for (Point& p : points) p = {object.centre_x + scale * (p[0] - mid_x), object.centre_y + scale * (p[1] - mid_y)};
  outline.polygon = std::move(points);
  return outline;
}

bool inside(const ShapeOutline& outline, double x, double y) {
  if (outline.polygon.empty()) {
    const double dx = x - outline.centre_x, dy = y - outline.centre_y;
    const double r2 = dx * dx + dy * dy;
    return r2 <= outline.outer_radius * outline.outer_radius && r2 >= outline.inner_radius * outline.inner_radius;
  }
  return inside_polygon(outline.polygon, x, y);
}

double boundary_distance(const ShapeOutline& outline, double x, double y) {
  if (outline.polygon.empty()) {
    const double r = std::hypot(x - outline.centre_x, y - outline.centre_y);
    const double to_outer = std::abs(r - outline.outer_radius);
    return outline.inner_radius > 0 ? std::min(to_outer, std::abs(r - outline.inner_radius)) : to_outer;
  }
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0, j = outline.polygon.size() - 1; i < outline.polygon.size(); j = i++)
    best = std::min(best, segment_distance(outline.polygon[j], outline.polygon[i], x, y));
  return best;
}

double pixel_coverage(const ShapeOutline& outline, int x, int y) {
  const double cx = x + 0.5, cy = y + 0.5;
  // Every point of the pixel is within sqrt(0.5) of its centre, so beyond that the pixel is all in or all out.
  if (boundary_distance(outline, cx, cy) > std::sqrt(0.5)) return inside(outline, cx, cy) ? 1.0 : 0.0;
  int hits = 0;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) hits += inside(outline, x + (j + 0.5) / 4, y + (i + 0.5) / 4) ? 1 : 0;
  return hits / 16.0;
}

std::array<double, 4> outline_box(const ShapeOutline& outline) {
  if (outline.polygon.empty()) {
    const double r = outline.outer_radius;
    return {outline.centre_x - r, outline.centre_y - r, outline.centre_x + r, outline.centre_y + r};
  }
  std::array<double, 4> box = {outline.polygon[0][0], outline.polygon[0][1], outline.polygon[0][0],
                               outline.polygon[0][1]};
  for (const Point& p : outline.polygon)
    box = {std::min(box[0], p[0]), std::min(box[1], p[1]), std::max(box[2], p[0]), std::max(box[3], p[1])};
  return box;
}

}  // namespace scan
