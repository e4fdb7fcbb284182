#pragma once
// Element types a tensor can hold. float32 is the training type, float64 is for gradient
// checks and reference computations, int64 holds token ids and indices.
#include <cstddef>
#include <cstdint>
#include <string>

#include "framework/core/error.h"

namespace fw {

enum class DType { Float32, Float64, Int64 };

inline std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Int64: return 8;
  }
  return 0;
}

inline const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int64: return "int64";
  }
  return "?";
}

inline bool is_floating(DType dtype) { return dtype != DType::Int64; }

// The C++ type stored for each dtype, and back.
template <typename T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::Int64; };

// Calls fn.template operator()<T>() with T = float or double according to `dtype`;
// any other dtype is an error naming `op`. Usage:
//   dispatch_floating(x.dtype(), "exp", [&]<typename T>() { ... });
template <typename Fn>
decltype(auto) dispatch_floating(DType dtype, const char* op, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: return fn.template operator()<float>();
    case DType::Float64: return fn.template operator()<double>();
    default: break;
  }
  throw Error(detail::concat(op, ": expected a float32 or float64 tensor, got ", dtype_name(dtype)));
}

// Same, also accepting int64.
template <typename Fn>
decltype(auto) dispatch_all(DType dtype, const char* op, Fn&& fn) {
  if (dtype == DType::Int64) return fn.template operator()<int64_t>();
  return dispatch_floating(dtype, op, std::forward<Fn>(fn));
}

}  // namespace fw
