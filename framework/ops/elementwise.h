#pragma once
// Binary arithmetic with NumPy broadcasting, its scalar variants, and the in-place updates
// used by gradient accumulation and optimisers. Every binary op's backward reduces the
// gradient back to each input's shape with sum_to (the one place broadcasting is undone).
#include <initializer_list>

#include "framework/backend/elementwise_ops.h"
#include "framework/core/tensor.h"

namespace fw {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& a);

// Scalar variants: the scalar is converted to the tensor's dtype.
Tensor add(const Tensor& a, double s);
Tensor mul(const Tensor& a, double s);
Tensor rsub(const Tensor& a, double s);  // s - a
Tensor rdiv(const Tensor& a, double s);  // s / a

// Sums `grad` over the dims that broadcasting expanded, giving a tensor of `shape`.
// sum_to(g, g.shape()) returns g itself.
Tensor sum_to(const Tensor& grad, const Shape& shape);

// In-place, not recorded by autograd (an error on a tensor that requires grad while grad
// mode is on). `b` is broadcast to a's shape.
void add_(Tensor& a, const Tensor& b);
void add_scaled_(Tensor& a, const Tensor& b, double scale);  // a += scale * b
void mul_(Tensor& a, double s);
void copy_(Tensor& dst, const Tensor& src);  // dst = src (broadcast, dtype converted)
void fill_(Tensor& t, double value);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& a) { return neg(a); }
inline Tensor operator+(const Tensor& a, double s) { return add(a, s); }
inline Tensor operator+(double s, const Tensor& a) { return add(a, s); }
inline Tensor operator-(const Tensor& a, double s) { return add(a, -s); }
inline Tensor operator-(double s, const Tensor& a) { return rsub(a, s); }
inline Tensor operator*(const Tensor& a, double s) { return mul(a, s); }
inline Tensor operator*(double s, const Tensor& a) { return mul(a, s); }
inline Tensor operator/(const Tensor& a, double s) { return mul(a, 1.0 / s); }
inline Tensor operator/(double s, const Tensor& a) { return rdiv(a, s); }

// A new tensor ElementwiseFn<code>{scalar}(inputs...) over the inputs' broadcast shape, on their
// device, computed by that device's backend; not recorded by autograd (the ops and their
// backward closures build on it). The inputs share one floating dtype and one device; errors
// name `op`.
Tensor apply_elementwise(const char* op, ElementwiseOp code, std::initializer_list<Tensor> inputs, double scalar = 0);

// Shared checks for ops with two tensor operands: same dtype, same device, floating dtype.
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
// "op: expected a float32 or float64 tensor, got int64" unless t is floating.
void check_floating(const char* op, const Tensor& t);

}  // namespace fw
