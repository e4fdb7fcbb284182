#pragma once
// The description of one synthetic picture: its objects, its background and its region boxes.
// Everything random about a picture is drawn here, in order from one generator; rendering
// (picture_render.h) and the region features (region_features.h) are then pure functions of it.
//   fw::Generator gen(seed);
//   PictureScene scene = sample_scene(config, gen);     // 1-3 objects, a background, 36 boxes
//   Image picture = render_scene(scene);
//
// Objects: min_objects..max_objects (uniform), each a uniform shape, colour and size. A size is a
// side of the layout box as a fraction of min(width, height): small 18/128..26/128, large
// 36/128..50/128 (uniform). Objects are placed by rejection sampling: a layout box anywhere in the
// picture (1 pixel from its edges) at least kObjectGap pixels from every placed one, up to
// kPlacementTries times; then the same as a small object; an object that still does not fit is left
// out (so a picture may have fewer than min_objects; at 128 x 128 with 3 objects this is very rare).
// Rotation: none for circle and ring, uniform in +-0.35 radians for square and cross, +-0.5 for the
// triangle, any for the star.
#include <cstdint>
#include <vector>

#include "framework/core/random.h"
#include "models/scan/pictures/picture_background.h"
#include "models/scan/pictures/picture_config.h"
#include "models/scan/pictures/picture_object.h"

namespace scan {

inline constexpr double kObjectGap = 4;
inline constexpr int kPlacementTries = 100;
inline constexpr double kSmallSideMin = 18.0 / 128, kSmallSideMax = 26.0 / 128;
inline constexpr double kLargeSideMin = 36.0 / 128, kLargeSideMax = 50.0 / 128;

struct PictureScene {
  int width = 0, height = 0;
  std::vector<PictureObject> objects;
  PictureBackground background;
  std::vector<PictureBox> regions;  // config.regions boxes (region_proposals.h)
};

PictureScene sample_scene(const PictureConfig& config, fw::Generator& gen);

// The objects alone (what sample_scene draws first), for tests and tools.
std::vector<PictureObject> place_objects(const PictureConfig& config, fw::Generator& gen);

}  // namespace scan
