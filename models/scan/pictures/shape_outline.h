#pragma once
// The exact geometry of a drawn object: which points of the picture it covers, how much of each
// pixel, and its tight box.
//   ShapeOutline outline = make_outline(object);
//   bool hit = inside(outline, 30.5, 41.5);               // a point, in pixels
//   double c = pixel_coverage(outline, 30, 41);           // fraction of pixel (30, 41) covered, 0..1
//   std::array<double, 4> box = outline_box(outline);     // x1 y1 x2 y2 of the shape itself
//
// Each shape is defined in a canonical frame where it fits [-1, 1]^2 (canonical_polygon), rotated
// by the object's rotation, then moved and scaled so that its own bounding box is centred on the
// layout box's centre and its larger side is kShapeFill x the layout box's side (so any rotation
// fits the layout box, with a margin for the anti-aliased edge):
//   circle    the disc of radius 1
//   ring      the annulus between radii kRingInnerRadius and 1
//   square    the square [-1, 1]^2
//   triangle  the equilateral triangle with vertices at angles -90, 30 and 150 degrees on the unit circle
//   star      10 vertices alternating between radius 1 and kStarInnerRadius, the first at -90 degrees
//   cross     a plus sign: two bars of half-width kCrossHalfWidth from -1 to 1
#include <array>
#include <cstdint>
#include <vector>

#include "models/scan/pictures/picture_object.h"

namespace scan {

inline constexpr double kShapeFill = 0.92;
inline constexpr double kRingInnerRadius = 0.55;
inline constexpr double kStarInnerRadius = 0.45;
inline constexpr double kCrossHalfWidth = 0.34;

struct ShapeOutline {
  int64_t shape = kCircle;
  double centre_x = 0, centre_y = 0;
  double outer_radius = 0, inner_radius = 0;   // circle and ring, pixels (inner 0 for a circle)
  std::vector<std::array<double, 2>> polygon;  // the other shapes: vertices in pixels, in order
};

// The vertices of a polygonal shape in its canonical frame (y down); empty for circle and ring.
std::vector<std::array<double, 2>> canonical_polygon(int64_t shape);

ShapeOutline make_outline(const PictureObject& object);
bool inside(const ShapeOutline& outline, double x, double y);
// Distance from (x, y) to the outline's boundary, in pixels (either side).
double boundary_distance(const ShapeOutline& outline, double x, double y);
// The covered fraction of pixel (x, y): exactly 0 or 1 when its centre is farther than half the
// pixel's diagonal from the boundary, otherwise the fraction of its 4 x 4 subpixel centres inside.
double pixel_coverage(const ShapeOutline& outline, int x, int y);
// x1 y1 x2 y2 of the shape: exact for every shape (the vertices' extent, or the disc's).
std::array<double, 4> outline_box(const ShapeOutline& outline);

}  // namespace scan
