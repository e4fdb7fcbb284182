#include "models/scan/pictures/picture_relations.h"

#include <cmath>

#include "framework/core/error.h"

namespace scan {

std::optional<int64_t> relation_between(const PictureObject& a, const PictureObject& b) {
  // Doubled centres: (x1 + x2) is exact in float, so the comparison does not depend on rounding.
  const double dx = (double{b.box[0]} + b.box[2]) - (double{a.box[0]} + a.box[2]);
  const double dy = (double{b.box[1]} + b.box[3]) - (double{a.box[1]} + a.box[3]);
  if (std::abs(dx) >= kRelationDominance * std::abs(dy) && dx != 0) return dx > 0 ? kLeftOf : kRightOf;
  if (std::abs(dy) >= kRelationDominance * std::abs(dx) && dy != 0) return dy > 0 ? kAbove : kBelow;
  return std::nullopt;
}

int64_t inverse_relation(int64_t relation) {
  switch (relation) {
    case kLeftOf: return kRightOf;
    case kRightOf: return kLeftOf;
    case kAbove: return kBelow;
    case kBelow: return kAbove;
  }
  throw fw::Error("inverse_relation: expected a relation in 0.." + std::to_string(kNumPictureRelations - 1) + ", got " +
                  std::to_string(relation));
}

}  // namespace scan
