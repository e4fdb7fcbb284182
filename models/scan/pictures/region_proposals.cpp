#include "models/scan/pictures/region_proposals.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace scan {

namespace {

constexpr int kMaxTries = 20;

// [lo, hi] clamped to [0, limit] and at least kMinRegionSide long (limit >= kMinRegionSide).
std::pair<double, double> fit_interval(double lo, double hi, double limit) {
  lo = std::clamp(lo, 0.0, limit);
  hi = std::clamp(hi, 0.0, limit);
  if (hi - lo < kMinRegionSide) {
    const double middle = std::clamp((lo + hi) / 2, kMinRegionSide / 2.0, limit - kMinRegionSide / 2.0);
    lo = middle - kMinRegionSide / 2.0;
    hi = middle + kMinRegionSide / 2.0;
  }
  // Outwards to 1/16 pixel; 0 and the integer limit are multiples already, so the clamp still holds.
  return {std::floor(lo * 16) / 16, std::ceil(hi * 16) / 16};
}

// A box around the centre of `box` moved by (dx, dy) times its size and scaled by (sx, sy).
PictureBox jittered(const PictureBox& box, double dx, double dy, double sx, double sy, int width, int height) {
  const double w = box[2] - box[0], h = box[3] - box[1];
  const double cx = (box[0] + box[2]) / 2 + dx * w, cy = (box[1] + box[3]) / 2 + dy * h;
  return fit_box(cx - sx * w / 2, cy - sy * h / 2, cx + sx * w / 2, cy + sy * h / 2, width, height);
}

PictureBox near_proposal(const PictureBox& tight, int width, int height, fw::Generator& gen) {
  for (int t = 0; t < kMaxTries; ++t) {
    const double dx = gen.uniform(-0.12, 0.12), dy = gen.uniform(-0.12, 0.12);
    const PictureBox box = jittered(tight, dx, dy, gen.uniform(0.85, 1.25), gen.uniform(0.85, 1.25), width, height);
    if (box_iou(box, tight) >= 0.5) return box;
  }
  return jittered(tight, 0, 0, 1.1, 1.1, width, height);  // IoU >= 1 / 1.21
}

PictureBox loose_proposal(const PictureBox& tight, int width, int height, fw::Generator& gen) {
  for (int t = 0; t < kMaxTries; ++t) {
    const double dx = gen.uniform(-0.6, 0.6), dy = gen.uniform(-0.6, 0.6);
    const PictureBox box = jittered(tight, dx, dy, gen.uniform(0.5, 2.0), gen.uniform(0.5, 2.0), width, height);
    if (box_iou(box, tight) < 0.5) return box;
  }
  // Half a box diagonally off the tight box: IoU 1/7 before clipping, at most 1/4 after. One of the
  // two directions keeps the shifted box mostly inside the picture.
  const PictureBox down = jittered(tight, 0.5, 0.5, 1, 1, width, height);
  return box_iou(down, tight) < 0.5 ? down : jittered(tight, -0.5, -0.5, 1, 1, width, height);
}

PictureBox background_box(int width, int height, fw::Generator& gen) {
  const double w = std::max<double>(kMinRegionSide, gen.uniform(0.08, 1.0) * width);
  const double h = std::max<double>(kMinRegionSide, gen.uniform(0.08, 1.0) * height);
  const double x = gen.uniform(0, width - w), y = gen.uniform(0, height - h);
  return fit_box(x, y, x + w, y + h, width, height);
}

}  // namespace

PictureBox fit_box(double x1, double y1, double x2, double y2, int width, int height) {
  const auto [left, right] = fit_interval(x1, x2, width);
  const auto [top, bottom] = fit_interval(y1, y2, height);
  return {static_cast<float>(left), static_cast<float>(top), static_cast<float>(right), static_cast<float>(bottom)};
}

double box_iou(const PictureBox& a, const PictureBox& b) {
  const double w = std::min(a[2], b[2]) - std::max(a[0], b[0]);
  const double h = std::min(a[3], b[3]) - std::max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0.0;
  const double area_a = (double{a[2]} - a[0]) * (double{a[3]} - a[1]);
  const double area_b = (double{b[2]} - b[0]) * (double{b[3]} - b[1]);
  return w * h / (area_a + area_b - w * h);
}

std::vector<PictureBox> propose_regions(const std::vector<PictureObject>& objects, int width, int height,
                                        int64_t regions, fw::Generator& gen) {
  std::vector<PictureBox> boxes;
  for (const PictureObject& object : objects) boxes.push_back(object.box);
  const auto jitter_budget = static_cast<std::size_t>(regions) - objects.size() - 1;
  std::vector<PictureBox> jitters;
  for (const PictureObject& object : objects)
    for (int64_t j = 0; j < kProposalsPerObject && jitters.size() < jitter_budget; ++j)
      jitters.push_back(j < kProposalsPerObject / 2 ? near_proposal(object.box, width, height, gen)
                                                    : loose_proposal(object.box, width, height, gen));
  boxes.insert(boxes.end(), jitters.begin(), jitters.end());
  boxes.push_back({0.0f, 0.0f, static_cast<float>(width), static_cast<float>(height)});
  while (static_cast<int64_t>(boxes.size()) < regions) boxes.push_back(background_box(width, height, gen));
  // Fisher-Yates, so that a region's index says nothing about its kind.
  for (std::size_t i = boxes.size() - 1; i > 0; --i) std::swap(boxes[i], boxes[gen.below(i + 1)]);
  return boxes;
}

}  // namespace scan
