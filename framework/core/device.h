#pragma once
// Where a tensor's storage lives. Only the CPU exists in this build; the CUDA backend adds a
// second kind, and every allocation and kernel choice goes through this value.
#include <string>

namespace fw {

struct Device {
  enum class Kind { CPU, CUDA };
  Kind kind = Kind::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int index = 0) { return {Kind::CUDA, index}; }
  bool is_cpu() const { return kind == Kind::CPU; }
  bool operator==(const Device& other) const = default;
  std::string str() const { return kind == Kind::CPU ? "cpu" : "cuda:" + std::to_string(index); }
};

}  // namespace fw
