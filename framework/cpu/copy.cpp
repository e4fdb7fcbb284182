#include "framework/cpu/strided_loop.h"

namespace fw::cpu {

Strides broadcast_strides(const Tensor& t, const Shape& out_shape) {
  const size_t rank = out_shape.size(), own = t.shape().size();
  Strides strides(rank, 0);
  for (size_t i = 0; i < own; ++i) {
    const size_t d = rank - own + i;
    strides[d] = t.shape()[i] == 1 && out_shape[d] != 1 ? 0 : t.strides()[i];
  }
  return strides;
}

void copy_into(Tensor& dst, const Tensor& src) {
  const Shape& shape = dst.shape();
  const Strides dst_strides = dst.strides();
  const Strides src_strides = broadcast_strides(src, shape);
  dispatch_all(dst.dtype(), "copy", [&]<typename TDst>() {
    dispatch_all(src.dtype(), "copy", [&]<typename TSrc>() {
      TDst* out = dst.data<TDst>();
      const TSrc* in = src.data<TSrc>();
      const std::array<const int64_t*, 2> strides{dst_strides.data(), src_strides.data()};
      parallel_for(dst.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
        visit_range<2>(shape, strides, begin, end, [&](const std::array<int64_t, 2>& offsets) {
          out[offsets[0]] = static_cast<TDst>(in[offsets[1]]);
        });
      });
    });
  });
}

void fill(Tensor& t, double value) {
  const Strides strides = t.strides();
  dispatch_all(t.dtype(), "fill", [&]<typename T>() {
    T* data = t.data<T>();
    const T v = static_cast<T>(value);
    if (t.is_contiguous()) {
      std::fill(data, data + t.numel(), v);
      return;
    }
    const std::array<const int64_t*, 1> s{strides.data()};
    visit_range<1>(t.shape(), s, 0, t.numel(), [&](const std::array<int64_t, 1>& o) { data[o[0]] = v; });
  });
}

}  // namespace fw::cpu
