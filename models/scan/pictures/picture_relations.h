#pragma once
// Where one object of a picture is relative to another, from the centres of their tight boxes.
// The displacement d = centre(b) - centre(a) decides along its dominant axis, y pointing down:
//   |dx| >= kRelationDominance * |dy|:  a is "left of" b when dx > 0, "right of" b when dx < 0
//   |dy| >= kRelationDominance * |dx|:  a is "above" b when dy > 0, "below" b when dy < 0
// and there is no relation when neither axis dominates (|dx| and |dy| within 20% of each other),
// since a viewer could read such a pair either way.
//   std::optional<int64_t> r = relation_between(scene.objects[0], scene.objects[1]);
//   if (r) caption += relation_phrases()[*r];                      // "left of", ..., "below"
#include <cstdint>
#include <optional>

#include "models/scan/pictures/picture_object.h"

namespace scan {

inline constexpr double kRelationDominance = 1.2;

// A PictureRelation, or nothing when the displacement is ambiguous.
std::optional<int64_t> relation_between(const PictureObject& a, const PictureObject& b);

// The relation of b to a when a has relation `relation` to b: left of <-> right of, above <-> below.
int64_t inverse_relation(int64_t relation);

}  // namespace scan
