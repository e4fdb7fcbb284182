#pragma once
// The CUDA allocator (core/allocator.h for the contract): device memory from cudaMalloc, with a
// cache of freed blocks by (device, size class) so that the steady state of a loop of ops makes
// no cudaMalloc or cudaFree call (cudaFree waits for the whole device). Blocks are allocated on
// the current device (Allocator::allocate is given no device: the backend's methods make their
// tensors' device current with a DeviceGuard first) and remember it.
#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "framework/core/allocator.h"

namespace fw::cuda {

// What allocate throws when the device is out of memory even after its cache was given back:
// the interface's std::bad_alloc, with a message saying how much was asked, in use and cached.
class CudaOutOfMemory : public std::bad_alloc {
 public:
  explicit CudaOutOfMemory(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

class CudaAllocator final : public Allocator {
 public:
  void* allocate(std::size_t nbytes) override;
  void deallocate(void* data, std::size_t nbytes) override;
  AllocatorStats stats() const override;
  void reset_peak() override;
  void release_cached() override;
  void set_poison(bool on) override;

 private:
  using Key = std::pair<int, std::size_t>;  // (device, size class)

  void* take_cached(int device, std::size_t size);
  void* fresh_block(int device, std::size_t size, std::size_t nbytes);
  void release_cached_of(int device);

  mutable std::mutex mutex_;
  std::map<Key, std::vector<void*>> cached_;        // freed blocks, most recently freed last
  std::unordered_map<void*, int> live_;             // every block handed out -> its device
  std::map<int, std::size_t> in_use_by_device_;     // for the out-of-memory message
  AllocatorStats stats_;
  std::atomic<bool> poison_{false};
};

// The one CUDA allocator of the process (never destroyed: tensors held in static variables may be
// freed after it would have been). cuda_backend() registers it for Device::Kind::CUDA.
CudaAllocator& cuda_allocator();

}  // namespace fw::cuda
