#include "models/scan/pictures/picture_scene.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/scan/pictures/picture_palette.h"
#include "models/scan/pictures/region_proposals.h"
#include "models/scan/pictures/shape_outline.h"

namespace scan {

namespace {

double sample_rotation(int64_t shape, fw::Generator& gen) {
  switch (shape) {
    case kSquare:
    case kCross: return gen.uniform(-0.35, 0.35);
    case kTriangle: return gen.uniform(-0.5, 0.5);
    case kStar: return gen.uniform(0, 2 * std::numbers::pi / 5);
    default: return 0.0;
  }
}

double sample_side(int64_t size, double picture_side, fw::Generator& gen) {
  return size == kSmall ? gen.uniform(kSmallSideMin, kSmallSideMax) * picture_side
                        : gen.uniform(kLargeSideMin, kLargeSideMax) * picture_side;
}

// Layout boxes are squares around their centres; two are apart when the gap along x or y is large enough.
bool apart(const PictureObject& a, const PictureObject& b) {
  const double gap_x = std::abs(a.centre_x - b.centre_x) - (a.side + b.side) / 2;
  const double gap_y = std::abs(a.centre_y - b.centre_y) - (a.side + b.side) / 2;
  return gap_x >= kObjectGap || gap_y >= kObjectGap;
}

// Tries to give `object` a side and a position clear of `placed`; false when none was found.
bool try_place(PictureObject& object, const std::vector<PictureObject>& placed, int width, int height,
               fw::Generator& gen) {
  const double picture_side = std::min(width, height);
  for (int t = 0; t < kPlacementTries; ++t) {
    object.side = sample_side(object.size, picture_side, gen);
    const double half = object.side / 2;
    object.centre_x = gen.uniform(1 + half, width - 1 - half);
    object.centre_y = gen.uniform(1 + half, height - 1 - half);
    if (std::all_of(placed.begin(), placed.end(), [&](const PictureObject& other) { return apart(object, other); }))
      return true;
  }
  return false;
}

}  // namespace

std::vector<PictureObject> place_objects(const PictureConfig& config, fw::Generator& gen) {
  const auto count = config.min_objects + static_cast<int64_t>(gen.below(config.max_objects - config.min_objects + 1));
  std::vector<PictureObject> objects;
  for (int64_t i = 0; i < count; ++i) {
    PictureObject object;
    object.shape = static_cast<int64_t>(gen.below(kNumPictureShapes));
    object.colour = static_cast<int64_t>(gen.below(kNumPictureColours));
    object.size = static_cast<int64_t>(gen.below(kNumPictureSizes));
    object.rgb = jittered_colour(object.colour, gen);
    object.rotation = sample_rotation(object.shape, gen);
    bool placed = try_place(object, objects, config.width, config.height, gen);
    if (!placed && object.size == kLarge) {
      object.size = kSmall;
      placed = try_place(object, objects, config.width, config.height, gen);
    }
    if (!placed) continue;
    const std::array<double, 4> box = outline_box(make_outline(object));
    object.box = fit_box(box[0], box[1], box[2], box[3], config.width, config.height);
    objects.push_back(object);
  }
  return objects;
}

PictureScene sample_scene(const PictureConfig& config, fw::Generator& gen) {
  PictureScene scene;
  scene.width = config.width;
  scene.height = config.height;
  scene.objects = place_objects(config, gen);
  scene.background = sample_background(config.width, config.height, gen);
  scene.regions = propose_regions(scene.objects, config.width, config.height, config.regions, gen);
  return scene;
}

}  // namespace scan
