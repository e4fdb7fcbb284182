#pragma once
// Paints a scene (picture_scene.h) into an RGB image: the background texture, then each object in
// its flat colour with anti-aliased edges (a pixel's colour is coverage * object + (1 - coverage) *
// background, coverage from shape_outline.h). Objects do not overlap, so their order does not matter.
// Deterministic: the same scene gives the same pixels.
//   Image picture = render_scene(scene);
//   write_png(picture, "scene.png");
#include "models/scan/pictures/picture_scene.h"
#include "models/scan/visual/image.h"

namespace scan {

Image render_scene(const PictureScene& scene);

}  // namespace scan
