#include "framework/core/allocator.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "framework/core/error.h"

namespace fw {

namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kCachedMinBytes = std::size_t{1} << 17;  // 128 KiB
constexpr std::size_t kCacheCapacity = std::size_t{1} << 30;   // 1 GiB

// Small blocks are rounded up to the alignment. Cached ones to a size class: 8 classes per power
// of two (a block is at most 1/8 larger than asked for), so that tensors whose size moves a
// little from call to call (a batch's words, a tile's captions) reuse one block instead of each
// size taking fresh pages and a place in the cache.
std::size_t allocation_size(std::size_t nbytes) {
  // Sizes no machine can hold are passed through (aligned_alloc then fails: std::bad_alloc).
  if (nbytes > std::numeric_limits<std::size_t>::max() / 4) return nbytes;
  const std::size_t aligned = (std::max<std::size_t>(nbytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
  if (aligned < kCachedMinBytes) return aligned;
  std::size_t power = kCachedMinBytes;
  while (power <= aligned / 2) power *= 2;
  const std::size_t step = power / 8;
  return (aligned + step - 1) / step * step;
}

// The CPU's allocator. Freed blocks of at least kCachedMinBytes are kept for the next allocation
// of the same size: every op allocates a new output on every call, and memory fresh from the OS
// costs one page fault per 4 KiB page when first written (tens of microseconds each on some
// virtual machines, more than the op itself); a reused block costs nothing. A loop of ops asks
// for the same sizes again and again, so blocks are matched by size class. When the cache is
// full, other cached blocks are returned to the system to make room, so it never holds more
// than kCacheCapacity.
class CpuAllocator final : public Allocator {
 public:
  void* allocate(std::size_t nbytes) override {
    const std::size_t size = allocation_size(nbytes);
    void* block = nullptr;
    {
      std::lock_guard lock(mutex_);
      ++stats_.allocations;
      if (size >= kCachedMinBytes) {
        const auto it = blocks_.find(size);
        if (it != blocks_.end()) {
          block = it->second;
          blocks_.erase(it);
          stats_.cached_bytes -= size;
          ++stats_.cache_hits;
        }
      }
    }
    if (!block) block = std::aligned_alloc(kAlignment, size);
    if (!block) throw std::bad_alloc();
    if (poison_.load(std::memory_order_relaxed)) std::memset(block, 0xFF, size);
    std::lock_guard lock(mutex_);
    stats_.in_use_bytes += size;
    stats_.peak_bytes = std::max(stats_.peak_bytes, stats_.in_use_bytes);
    return block;
  }

  void deallocate(void* data, std::size_t nbytes) override {
    const std::size_t size = allocation_size(nbytes);
    std::vector<void*> evicted;
    {
      std::lock_guard lock(mutex_);
      stats_.in_use_bytes -= size;
      if (size < kCachedMinBytes || size > kCacheCapacity) {
        evicted.push_back(data);
      } else {
        while (stats_.cached_bytes + size > kCacheCapacity) {
          const auto it = blocks_.begin();
          evicted.push_back(it->second);
          stats_.cached_bytes -= it->first;
          blocks_.erase(it);
        }
        blocks_.emplace(size, data);
        stats_.cached_bytes += size;
      }
    }
    for (void* p : evicted) std::free(p);
  }

  AllocatorStats stats() const override {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  void reset_peak() override {
    std::lock_guard lock(mutex_);
    stats_.peak_bytes = stats_.in_use_bytes;
  }

  void set_poison(bool on) override { poison_.store(on, std::memory_order_relaxed); }

  void release_cached() override {
    std::vector<void*> freed;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [size, block] : blocks_) freed.push_back(block);
      blocks_.clear();
      stats_.cached_bytes = 0;
    }
    for (void* p : freed) std::free(p);
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_multimap<std::size_t, void*> blocks_;
  AllocatorStats stats_;
  std::atomic<bool> poison_{false};
};

// Never destroyed: tensors held in static variables may be freed after it would have been.
Allocator*& registered(Device::Kind kind) {
  static Allocator* cpu = new CpuAllocator;
  static Allocator* cuda = nullptr;
  return kind == Device::Kind::CPU ? cpu : cuda;
}

}  // namespace

Allocator& allocator(Device device) {
  Allocator* found = registered(device.kind);
  check(found != nullptr, "Storage", "device ", device.str(), " is not available in this build");
  return *found;
}

void register_allocator(Device::Kind kind, Allocator* allocator) {
  check(kind != Device::Kind::CPU, "register_allocator", "the CPU allocator is built in");
  registered(kind) = allocator;
}

}  // namespace fw
