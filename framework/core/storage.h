#pragma once
// A block of memory on a device. Tensors share one Storage when one is a view of the other.
#include <cstddef>
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

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  Device device_;
};

}  // namespace fw
