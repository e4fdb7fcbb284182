// The indexing kernels of the CUDA backend (reduce_kernels.h): gathering slices along one dim and
// its adjoint, the scatter-add, as cpu/index_kernel.cpp computes them. One thread per output
// element; the scatter-add reads a host-built list of the source slices of each target row, so
// repeated indices are added in increasing i by one thread (no atomics).
#include <algorithm>

#include "framework/cuda/grid_stride.h"
#include "framework/cuda/reduce_kernels.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {


// out[o, i, j] = in[o, index[i], j]; out [outer, count, inner], in [outer, rows, inner].
template <typename T>
__global__ void gather_kernel(SliceLayout L, const int64_t* index, const T* in, T* out) {
  const int64_t total = L.outer * L.count * L.inner;
  for (int64_t e = thread_index(); e < total; e += thread_count()) {
    const int64_t j = e % L.inner, q = e / L.inner, i = q % L.count, o = q / L.count;
    out[e] = in[(o * L.rows + index[i]) * L.inner + j];
  }
}

// out[o, t, j] = T(0) + grad[o, i_0, j] + grad[o, i_1, j] + ... over the i_k with index[i_k] == t,
// i_0 < i_1 < ... (positions[starts[t] ..]), the CPU's order of additions in T.
template <typename T>
__global__ void scatter_add_kernel(SliceLayout L, const int64_t* starts, const int64_t* positions, const T* grad,
                                   T* out) {
  const int64_t total = L.outer * L.rows * L.inner;
  for (int64_t e = thread_index(); e < total; e += thread_count()) {
    const int64_t j = e % L.inner, q = e / L.inner, t = q % L.rows, o = q / L.rows;
    const T* column = grad + o * L.count * L.inner + j;
    T acc = T(0);
    for (int64_t k = starts[t]; k < starts[t + 1]; ++k) acc += column[positions[k] * L.inner];
    out[e] = acc;
  }
}

}  // namespace

template <typename T>
void gather_slices(const SliceLayout& layout, const int64_t* index, const T* in, T* out, const char* op) {
  const int64_t total = layout.outer * layout.count * layout.inner;
  if (total == 0) return;
  gather_kernel<T><<<blocks_for(total), kThreads, 0, stream()>>>(layout, index, in, out);
  check_launch("gather_kernel", op);
}

template <typename T>
void scatter_add_slices(const SliceLayout& layout, const int64_t* starts, const int64_t* positions, const T* grad,
                        T* out, const char* op) {
  const int64_t total = layout.outer * layout.rows * layout.inner;
  if (total == 0) return;
  scatter_add_kernel<T><<<blocks_for(total), kThreads, 0, stream()>>>(layout, starts, positions, grad, out);
  check_launch("scatter_add_kernel", op);
}

template void gather_slices<float>(const SliceLayout&, const int64_t*, const float*, float*, const char*);
template void gather_slices<double>(const SliceLayout&, const int64_t*, const double*, double*, const char*);
template void gather_slices<int64_t>(const SliceLayout&, const int64_t*, const int64_t*, int64_t*, const char*);
template void scatter_add_slices<float>(const SliceLayout&, const int64_t*, const int64_t*, const float*, float*,
                                        const char*);
template void scatter_add_slices<double>(const SliceLayout&, const int64_t*, const int64_t*, const double*, double*,
                                         const char*);

}  // namespace fw::cuda
