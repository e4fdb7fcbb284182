#include "framework/backend/gru_geometry.h"

#include <algorithm>
#include <numeric>

namespace fw {

int64_t GruGeometry::active(int64_t s) const {
  int64_t n = 0;
  while (n < batch && lengths[order[n]] > s) ++n;
  return n;
}

std::vector<int64_t> gru_row_order(const std::vector<int64_t>& lengths) {
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
  return order;
}

}  // namespace fw
