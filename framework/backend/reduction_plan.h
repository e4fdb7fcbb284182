#pragma once
// How a reduction over a set of dims is laid out, independent of the device: [outer, R, inner],
// the kept dims before the reduced block (outer), the reduced elements (R) and the kept dims
// after it (inner). Dims that are not adjacent are moved to the end first (perm). Every backend's
// reduction kernels (sum, mean, max, softmax, logsumexp) take a plan.
#include <cstdint>
#include <vector>

#include "framework/core/tensor.h"

namespace fw {

struct ReductionPlan {
  std::vector<int64_t> dims;  // sorted, unique, non-negative
  Shape keep_shape;           // input shape with reduced dims set to 1
  Shape drop_shape;           // input shape without the reduced dims
  std::vector<int64_t> perm;  // identity when the reduced dims are adjacent, else kept dims then reduced dims
  int64_t outer = 1, reduced = 1, inner = 1;

  // The reduced result (laid out as keep_shape) reshaped to what the caller asked for.
  Tensor shape_out(const Tensor& keep_result, bool keepdim) const {
    return keepdim ? keep_result : keep_result.reshape(drop_shape);
  }
  // An output-shaped tensor (keepdim or not) seen with keep_shape, ready to broadcast.
  Tensor keepdim_view(const Tensor& t, bool keepdim) const { return keepdim ? t : t.reshape(keep_shape); }
};

// The plan for reducing x over `dims` (negative dims count from the end; duplicates are an
// error naming `op`).
ReductionPlan plan_reduction(const Tensor& x, const std::vector<int64_t>& dims, const char* op);

}  // namespace fw
