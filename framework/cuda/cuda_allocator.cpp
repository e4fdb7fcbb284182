// The CUDA caching allocator (cuda_allocator.h). Requests are rounded up to a size class, like
// the CPU allocator's (core/allocator.cpp): multiples of 512 bytes, then 8 classes per power of
// two (a block is at most 1/8 larger than asked for). Every freed block is cached for the next
// request of its (device, class); reuse is safe without waiting because every kernel and copy of
// the backend runs on the one in-order stream (runtime.h): work queued on the old owner comes
// before work queued on the new one. On cudaErrorMemoryAllocation the device's cache is given
// back and the allocation retried once.
#include "framework/cuda/cuda_allocator.h"

#include <algorithm>
#include <limits>

#include "framework/core/error.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

constexpr std::size_t kGranule = 512;  // cudaMalloc aligns to 256; 512 keeps every class a multiple of it

std::size_t round_up(std::size_t n, std::size_t step) { return (n + step - 1) / step * step; }

std::size_t size_class(std::size_t nbytes) {
  // Sizes no device can hold are passed through (cudaMalloc then fails: out of memory).
  if (nbytes > std::numeric_limits<std::size_t>::max() / 4) return nbytes;
  const std::size_t aligned = round_up(std::max<std::size_t>(nbytes, 1), kGranule);
  std::size_t power = kGranule;  // the largest power of two <= aligned
  while (power <= aligned / 2) power *= 2;
  return round_up(aligned, std::max(power / 8, kGranule));
}

std::string device_name(int device) { return "cuda:" + std::to_string(device); }

// The error for a machine without a usable device: what allocate reports when the runtime
// cannot even tell the current device, or cudaMalloc fails for a reason other than memory.
[[noreturn]] void no_device(int device, const std::string& why) {
  throw Error(detail::concat("Storage: device ", device_name(device),
                             " is not available: no CUDA device on this machine (", why, ")"));
}

// The current device, where the block is allocated. The runtime's default is device 0.
int current_device() {
  int device = 0;
  const cudaError_t status = cudaGetDevice(&device);
  if (status == cudaSuccess) return device;
  cudaGetLastError();
  std::string why;
  if (device_count(&why) == 0) no_device(0, why);
  check_cuda(status, "cudaGetDevice", "Storage");
  return device;
}

// Makes `device` current for freeing its blocks, and restores the previous one (no DeviceGuard:
// this runs where an exception would be unwelcome, and releasing must go on for other devices).
class FreeOn {
 public:
  explicit FreeOn(int device) {
    if (cudaGetDevice(&previous_) != cudaSuccess || previous_ == device) previous_ = -1;
    else if (cudaSetDevice(device) != cudaSuccess) cudaGetLastError();
  }
  ~FreeOn() {
    if (previous_ >= 0 && cudaSetDevice(previous_) != cudaSuccess) cudaGetLastError();
  }
  FreeOn(const FreeOn&) = delete;
  FreeOn& operator=(const FreeOn&) = delete;

 private:
  int previous_ = -1;
};

}  // namespace

void* CudaAllocator::take_cached(int device, std::size_t size) {
  std::lock_guard lock(mutex_);
  ++stats_.allocations;
  const auto it = cached_.find({device, size});
  if (it == cached_.end() || it->second.empty()) return nullptr;
  void* block = it->second.back();
  it->second.pop_back();
  stats_.cached_bytes -= size;
  ++stats_.cache_hits;
  return block;
}

void* CudaAllocator::fresh_block(int device, std::size_t size, std::size_t nbytes) {
  void* block = nullptr;
  cudaError_t status = cudaMalloc(&block, size);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // out of memory is not sticky: clear it, free this device's cache, try again
    std::size_t cached = 0;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [key, blocks] : cached_)
        if (key.first == device) cached += key.second * blocks.size();
    }
    release_cached_of(device);
    status = cudaMalloc(&block, size);
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      std::size_t in_use = 0;
      {
        std::lock_guard lock(mutex_);
        in_use = in_use_by_device_[device];
      }
      throw CudaOutOfMemory(detail::concat("Storage: out of memory on ", device_name(device), ": asked ", nbytes,
                                           " bytes, in use ", in_use, " bytes, cached ", cached,
                                           " bytes (given back before retrying)"));
    }
  }
  if (status != cudaSuccess) {
    cudaGetLastError();
    std::string why;
    if (device_count(&why) == 0) no_device(device, why);
    check_cuda(status, "cudaMalloc", "Storage", detail::concat(" (", nbytes, " bytes on ", device_name(device), ")"));
  }
  return block;
}

void* CudaAllocator::allocate(std::size_t nbytes) {
  const std::size_t size = size_class(nbytes);
  const int device = current_device();
  void* block = take_cached(device, size);
  if (!block) block = fresh_block(device, size, nbytes);
  {
    std::lock_guard lock(mutex_);
    live_.emplace(block, device);
    in_use_by_device_[device] += size;
    stats_.in_use_bytes += size;
    stats_.peak_bytes = std::max(stats_.peak_bytes, stats_.in_use_bytes);
  }
  if (poison_.load(std::memory_order_relaxed)) {
    // 0xFF bytes: NaN in every float32 and float64 element, -1 in int64 (queued on the stream,
    // so it lands before any kernel that later writes the block).
    try {
      check_cuda(cudaMemsetAsync(block, 0xFF, size, stream()), "cudaMemsetAsync", "Storage", " (poison)");
    } catch (...) {
      deallocate(block, nbytes);
      throw;
    }
  }
  return block;
}

void CudaAllocator::deallocate(void* data, std::size_t nbytes) {
  // Called from Storage's destructor: never throws, never calls CUDA (no cudaFree here).
  const std::size_t size = size_class(nbytes);
  std::lock_guard lock(mutex_);
  const auto it = live_.find(data);
  if (it == live_.end()) return;  // not ours: nothing sensible to do in a destructor
  const int device = it->second;
  live_.erase(it);
  in_use_by_device_[device] -= size;
  stats_.in_use_bytes -= size;
  cached_[{device, size}].push_back(data);
  stats_.cached_bytes += size;
}

AllocatorStats CudaAllocator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void CudaAllocator::reset_peak() {
  std::lock_guard lock(mutex_);
  stats_.peak_bytes = stats_.in_use_bytes;
}

void CudaAllocator::set_poison(bool on) { poison_.store(on, std::memory_order_relaxed); }

void CudaAllocator::release_cached_of(int device) {
  std::vector<void*> freed;
  {
    std::lock_guard lock(mutex_);
    for (auto it = cached_.begin(); it != cached_.end();) {
      if (it->first.first != device) {
        ++it;
        continue;
      }
      for (void* block : it->second) freed.push_back(block);
      stats_.cached_bytes -= it->first.second * it->second.size();
      it = cached_.erase(it);
    }
  }
  if (freed.empty()) return;
  FreeOn on(device);
  cudaError_t first = cudaSuccess;  // every block is freed, then the first failure is reported
  for (void* block : freed) {
    const cudaError_t status = cudaFree(block);
    if (first == cudaSuccess) first = status;
  }
  check_cuda(first, "cudaFree", "release_cached", " (" + device_name(device) + ")");
}

void CudaAllocator::release_cached() {
  std::vector<int> devices;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, blocks] : cached_)
      if (devices.empty() || devices.back() != key.first) devices.push_back(key.first);  // keys sorted by device
  }
  for (int device : devices) release_cached_of(device);
}

CudaAllocator& cuda_allocator() {
  static CudaAllocator* allocator = new CudaAllocator;
  return *allocator;
}

}  // namespace fw::cuda
