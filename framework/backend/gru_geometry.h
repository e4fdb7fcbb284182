#pragma once
// The shape of one direction of one GRU layer over a padded batch with per-sequence lengths, as
// every backend's GRU kernel reads it (the cell and the buffers: cpu/gru_kernel.h). Sequences
// are processed in order of decreasing length, so the active sequences of step s are the first
// active(s) rows of the state.
#include <cstdint>
#include <vector>

namespace fw {

struct GruGeometry {
  int64_t batch = 0, time = 0, input = 0, hidden = 0;
  int64_t steps = 0;                 // max length
  const int64_t* lengths = nullptr;  // [B], each in 1..T
  const int64_t* order = nullptr;    // [B], sequences by decreasing length (see gru_row_order)
  bool reverse = false;

  // The time index sequence b reads at step s (only meaningful while s < lengths[b]).
  int64_t time_at(int64_t b, int64_t s) const { return reverse ? lengths[b] - 1 - s : s; }
  // The number of sequences longer than s, i.e. the rows active at step s.
  int64_t active(int64_t s) const;
};

// Batch indices sorted by decreasing length; ties keep batch order.
std::vector<int64_t> gru_row_order(const std::vector<int64_t>& lengths);

}  // namespace fw
