#pragma once
// Scratch memory for a kernel's intermediate values, taken from the CPU allocator's block cache
// (core/allocator.h) instead of a std::vector: a kernel that runs every training step asks for the
// same sizes every time, and a vector of megabytes comes fresh from the OS on every call, one page
// fault per 4 KiB page written (`scan bench` counted about 6,000 per training step, tens of
// microseconds each on a virtual machine, before the GRU and cross-attention kernels used this).
//   Scratch<float> xp(rows * cols);        // uninitialised (NaN while the allocator's poison is on)
//   Scratch<double> acc(n, 0.0);           // filled
#include <algorithm>
#include <cstddef>

#include "framework/core/allocator.h"

namespace fw::cpu {

template <typename T>
class Scratch {
 public:
  explicit Scratch(std::size_t n)
      : size_(n), data_(static_cast<T*>(allocator(Device::cpu()).allocate(n * sizeof(T)))) {}
  Scratch(std::size_t n, T value) : Scratch(n) { std::fill(data_, data_ + n, value); }
  ~Scratch() { allocator(Device::cpu()).deallocate(data_, size_ * sizeof(T)); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  std::size_t size_;
  T* data_;
};

}  // namespace fw::cpu
