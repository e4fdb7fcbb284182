#pragma once
// The elementwise math of every op, written once. An ElementwiseOp names a formula; its functor
// ElementwiseFn<op> computes one output element from `arity` input elements of type T (float or
// double) and one double parameter `s` (a scalar, a slope, an epsilon; unused by most). Every
// backend instantiates its loops from these functors (visit_elementwise), so the CPU and any
// other device evaluate the same expression in the same precision, and cannot drift apart.
//
// Precision is part of each formula: `x * s` with the double s is evaluated in double and then
// rounded to T, as `static_cast<T>(x * s)`; `x + s * y` (AddScaled) rounds s to T first.
#include <cmath>
#include <cstdint>

#include "framework/backend/host_device.h"

namespace fw {

enum class ElementwiseOp : uint8_t {
  // unary: f(x)
  Neg, AddScalar, MulScalar, RSubScalar, RDivScalar,
  Exp, Log, Sqrt, Pow, Abs, Sign,
  Sigmoid, Tanh, Relu, ReluDerivative, LeakyRelu, LeakyReluDerivative, ClampMin, ClampMinDerivative,
  // binary: f(x, y)
  Add, Sub, Mul, Div, AddScaled,
  L2NormDivide,
  // ternary: f(w12, w1, w2)
  CosineFromSums,
  // quaternary
  L2NormBackward,   // f(g, y, n, dot)
  CosineGradDot,    // f(g, w12, w1, w2): ∂c/∂w12 · g
  CosineGradNorm1,  // ∂c/∂w1 · g
  CosineGradNorm2,  // ∂c/∂w2 · g
};

template <ElementwiseOp Op>
struct ElementwiseFn;

#define FW_UNARY_FN(OP, EXPR)                                   \
  template <>                                                   \
  struct ElementwiseFn<ElementwiseOp::OP> {                     \
    static constexpr int arity = 1;                             \
    static constexpr const char* name = #OP;                    \
    double s = 0;                                               \
    template <typename T>                                       \
    FW_HOST_DEVICE T operator()(T x) const {                    \
      return static_cast<T>(EXPR);                              \
    }                                                           \
  };
#define FW_BINARY_FN(OP, EXPR)                                  \
  template <>                                                   \
  struct ElementwiseFn<ElementwiseOp::OP> {                     \
    static constexpr int arity = 2;                             \
    static constexpr const char* name = #OP;                    \
    double s = 0;                                               \
    template <typename T>                                       \
    FW_HOST_DEVICE T operator()(T x, T y) const {               \
      return static_cast<T>(EXPR);                              \
    }                                                           \
  };

FW_UNARY_FN(Neg, -x)
FW_UNARY_FN(AddScalar, x + s)
FW_UNARY_FN(MulScalar, x * s)
FW_UNARY_FN(RSubScalar, s - x)
FW_UNARY_FN(RDivScalar, s / x)
FW_UNARY_FN(Exp, std::exp(x))
FW_UNARY_FN(Log, std::log(x))
FW_UNARY_FN(Sqrt, std::sqrt(x))
FW_UNARY_FN(Pow, s == 2.0 ? x * x : std::pow(x, static_cast<T>(s)))  // s: the exponent
FW_UNARY_FN(Abs, std::abs(x))
FW_UNARY_FN(Sign, (x > 0) - (x < 0))  // sign(0) = 0: the derivative of abs
FW_UNARY_FN(Tanh, std::tanh(x))
FW_UNARY_FN(Relu, x > 0 || std::isnan(x) ? x : T(0))  // NaN propagates
FW_UNARY_FN(ReluDerivative, x > 0 ? 1 : 0)
FW_UNARY_FN(LeakyRelu, x > 0 ? x : x * static_cast<T>(s))  // s: the slope
FW_UNARY_FN(LeakyReluDerivative, x > 0 ? 1.0 : s)
FW_UNARY_FN(ClampMin, x < static_cast<T>(s) ? static_cast<T>(s) : x)  // s: the minimum
FW_UNARY_FN(ClampMinDerivative, x > static_cast<T>(s) ? 1 : 0)

FW_BINARY_FN(Add, x + y)
FW_BINARY_FN(Sub, x - y)
FW_BINARY_FN(Mul, x * y)
FW_BINARY_FN(Div, x / y)
FW_BINARY_FN(AddScaled, x + static_cast<T>(s) * y)  // a += s·b
// l2norm: y = x / (n + eps), n = ‖x‖ broadcast along the normalised dim; s: eps.
FW_BINARY_FN(L2NormDivide, x / (y + static_cast<T>(s)))

#undef FW_UNARY_FN

// 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0: the exponent is never positive, so
// nothing overflows (sigmoid(-100) in float32 is a tiny positive number, not nan).
template <>
struct ElementwiseFn<ElementwiseOp::Sigmoid> {
  static constexpr int arity = 1;
  static constexpr const char* name = "Sigmoid";
  double s = 0;
  template <typename T>
  FW_HOST_DEVICE T operator()(T x) const {
    if (x >= 0) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
};
#undef FW_BINARY_FN

// cosine_similarity from the sums w12 = Σ a⊙b, w1 = Σ a², w2 = Σ b²:
//   c = w12 / max(sqrt(w1) sqrt(w2), eps)                                     (s: eps)
template <>
struct ElementwiseFn<ElementwiseOp::CosineFromSums> {
  static constexpr int arity = 3;
  static constexpr const char* name = "CosineFromSums";
  double s = 0;
  template <typename T>
  FW_HOST_DEVICE T operator()(T w12, T w1, T w2) const {
    const T p = std::sqrt(w1) * std::sqrt(w2), eps = static_cast<T>(s);
    return static_cast<T>(w12 / (p < eps ? eps : p));  // std::max(p, eps): a NaN p stays NaN
  }
};

// The backward of l2norm (see ops/normalization.cpp): with s = n + eps,
//   dx = g / s − y · dot / n,   dot = Σ_dim g⊙y,
// the second term taken as 0 for a zero vector (n = 0, where y = 0 too).
template <>
struct ElementwiseFn<ElementwiseOp::L2NormBackward> {
  static constexpr int arity = 4;
  static constexpr const char* name = "L2NormBackward";
  double s = 0;  // eps
  template <typename T>
  FW_HOST_DEVICE T operator()(T g, T y, T n, T dot) const {
    const T correction = n > T(0) ? y * dot / n : T(0);
    return static_cast<T>(g / (n + static_cast<T>(s)) - correction);
  }
};

// The partial derivatives of c = w12 / max(p, eps), p = sqrt(w1) sqrt(w2), times g. Where p > eps:
//   ∂c/∂w12 = 1/p,  ∂c/∂w1 = -c / (2 w1),  ∂c/∂w2 = -c / (2 w2)      (∂p/∂w1 = p / (2 w1))
// and where the clamp is active (p <= eps) only ∂c/∂w12 = 1/eps is nonzero.
template <int Which>  // 0: w12, 1: w1, 2: w2
struct CosineGrad {
  static constexpr int arity = 4;
  double s = 0;  // eps
  template <typename T>
  FW_HOST_DEVICE T operator()(T g, T w12, T w1, T w2) const {
    const T p = std::sqrt(w1) * std::sqrt(w2);
    if (p <= static_cast<T>(s)) return Which == 0 ? static_cast<T>(g / static_cast<T>(s)) : T(0);
    const T c = w12 / p;
    if (Which == 0) return static_cast<T>(g / p);
    return static_cast<T>(-g * c / (2 * (Which == 1 ? w1 : w2)));
  }
};
template <>
struct ElementwiseFn<ElementwiseOp::CosineGradDot> : CosineGrad<0> {
  static constexpr const char* name = "CosineGradDot";
};
template <>
struct ElementwiseFn<ElementwiseOp::CosineGradNorm1> : CosineGrad<1> {
  static constexpr const char* name = "CosineGradNorm1";
};
template <>
struct ElementwiseFn<ElementwiseOp::CosineGradNorm2> : CosineGrad<2> {
  static constexpr const char* name = "CosineGradNorm2";
};

// Calls visit.template operator()<Op>() with the compile-time op, so that a backend
// instantiates one loop per formula: visit_elementwise(op, [&]<ElementwiseOp Op>() {...}).
template <typename Visit>
decltype(auto) visit_elementwise(ElementwiseOp op, Visit&& visit) {
  using E = ElementwiseOp;
  switch (op) {
#define FW_CASE(OP) \
  case E::OP:       \
    return visit.template operator()<E::OP>();
    FW_CASE(Neg) FW_CASE(AddScalar) FW_CASE(MulScalar) FW_CASE(RSubScalar) FW_CASE(RDivScalar)
    FW_CASE(Exp) FW_CASE(Log) FW_CASE(Sqrt) FW_CASE(Pow) FW_CASE(Abs) FW_CASE(Sign)
    FW_CASE(Sigmoid) FW_CASE(Tanh) FW_CASE(Relu) FW_CASE(ReluDerivative) FW_CASE(LeakyRelu)
    FW_CASE(LeakyReluDerivative) FW_CASE(ClampMin) FW_CASE(ClampMinDerivative)
    FW_CASE(Add) FW_CASE(Sub) FW_CASE(Mul) FW_CASE(Div) FW_CASE(AddScaled) FW_CASE(L2NormDivide)
    FW_CASE(CosineFromSums) FW_CASE(L2NormBackward) FW_CASE(CosineGradDot) FW_CASE(CosineGradNorm1)
    FW_CASE(CosineGradNorm2)
#undef FW_CASE
  }
  return visit.template operator()<E::Neg>();  // unreachable: every enumerator is listed
}

// The op's name ("Exp", "CosineFromSums") and how many inputs it takes.
const char* elementwise_name(ElementwiseOp op);
int elementwise_arity(ElementwiseOp op);

}  // namespace fw
