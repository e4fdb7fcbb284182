#pragma once
// The launch shape the backend's elementwise-style kernels share (device code: included by .cu
// files only): 256 threads a block, as many blocks as the elements need up to 2^20, and a
// grid-stride loop over int64 indices, for (i = thread_index(); i < n; i += thread_count()).
#include <algorithm>
#include <cstdint>

namespace fw::cuda {

inline constexpr int kThreads = 256;

// Blocks for a grid-stride loop over n work items, per_block of them a block (at least one block,
// at most 2^20): one element per thread by default, or one output per block of a group kernel.
inline unsigned blocks_for(int64_t n, int64_t per_block = kThreads) {
  return static_cast<unsigned>(std::clamp<int64_t>((n + per_block - 1) / per_block, 1, int64_t{1} << 20));
}

__device__ inline int64_t thread_index() { return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; }
__device__ inline int64_t thread_count() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

}  // namespace fw::cuda
