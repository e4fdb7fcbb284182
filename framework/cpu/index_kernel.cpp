#include "framework/cpu/index_kernel.h"

#include <algorithm>

#include "framework/core/parallel.h"

namespace fw::cpu {

namespace {

struct Block {
  int64_t outer = 1, inner = 1;
};

Block block_of(const Shape& shape, int64_t dim) {
  Block b;
  for (int64_t d = 0; d < dim; ++d) b.outer *= shape[d];
  for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d) b.inner *= shape[d];
  return b;
}

}  // namespace

Tensor index_gather(const Tensor& x, int64_t dim, const std::vector<int64_t>& index) {
  const Tensor src = x.detach().contiguous();
  Shape shape = x.shape();
  const int64_t size = shape[dim], n = static_cast<int64_t>(index.size());
  shape[dim] = n;
  Tensor out = Tensor::empty(shape, x.dtype());
  const Block b = block_of(shape, dim);
  dispatch_all(x.dtype(), "index_gather", [&]<typename T>() {
    const T* in = src.data<T>();
    T* result = out.data<T>();
    // One task per copied slice [o, i, :].
    parallel_for(b.outer * n, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, b.inner)),
                 [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t o = r / n, i = r % n;
        const T* from = in + (o * size + index[i]) * b.inner;
        std::copy(from, from + b.inner, result + r * b.inner);
      }
    });
  });
  return out;
}

Tensor index_scatter_add(const Tensor& grad, int64_t dim, const std::vector<int64_t>& index, const Shape& shape) {
  const Tensor g = grad.detach().contiguous();
  Tensor out = Tensor::zeros(shape, grad.dtype());
  const Block b = block_of(shape, dim);
  const int64_t size = shape[dim], n = static_cast<int64_t>(index.size());
  dispatch_floating(grad.dtype(), "index_scatter_add", [&]<typename T>() {
    const T* in = g.data<T>();
    T* result = out.data<T>();
    // Split the (o, j) columns among threads; each thread adds its columns' slices in increasing
    // i, so repeated indices accumulate in a fixed order without races.
    parallel_for(b.outer * b.inner, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, n)),
                 [&](int64_t begin, int64_t end) {
      for (int64_t o = begin / b.inner; o * b.inner < end; ++o) {
        const int64_t j0 = std::max(begin - o * b.inner, int64_t{0});
        const int64_t j1 = std::min(end - o * b.inner, b.inner);
        for (int64_t i = 0; i < n; ++i) {
          const T* from = in + (o * n + i) * b.inner;
          T* to = result + (o * size + index[i]) * b.inner;
          for (int64_t j = j0; j < j1; ++j) to[j] += from[j];
        }
      }
    });
  });
  return out;
}

}  // namespace fw::cpu
