#pragma once
// A block of memory on a device. Tensors share one Storage when one is a view of the other.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "framework/core/device.h"

namespace fw {

class Storage {
 public:
  // Uninitialised memory for `nbytes` bytes from the device's allocator (core/allocator.h),
  // 64-byte aligned on the CPU.
  Storage(std::size_t nbytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  // Bumped by every in-place write (add_, mul_, copy_, fill_, optimiser steps), so that autograd
  // can tell that a tensor an op saved for its backward changed after the forward.
  uint64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  Device device_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace fw
