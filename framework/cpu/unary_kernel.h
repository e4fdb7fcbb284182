#pragma once
// A new dense tensor f(x) elementwise, for the unary ops and the derivative tensors their
// backward passes multiply by. x may have any layout; float32 and float64 only.
#include "framework/cpu/strided_loop.h"

namespace fw::cpu {

// f is called with a T (float or double) and its result converted to T.
template <typename F>
Tensor map_unary(const char* op, const Tensor& x, F f) {
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), op, [&]<typename T>() {
    map_elements<T, T, 1>(out, {x}, [&](T v) { return static_cast<T>(f(v)); });
  });
  return out;
}

}  // namespace fw::cpu
