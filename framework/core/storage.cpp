#include "framework/core/storage.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "framework/core/error.h"

namespace fw {

namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kCachedMinBytes = std::size_t{1} << 17;   // 128 KiB
constexpr std::size_t kCacheCapacity = std::size_t{1} << 30;    // 1 GiB

std::size_t allocation_size(std::size_t nbytes) {
  return (std::max<std::size_t>(nbytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
}

// Freed CPU blocks of at least kCachedMinBytes, kept for the next allocation of the same size.
// Every op allocates a new output on every call, and memory fresh from the OS costs one page
// fault per 4 KiB page when first written (tens of microseconds each on some virtual machines,
// more than the op itself); a reused block costs nothing. A loop of ops asks for the same sizes
// again and again, so blocks are matched by exact size. When the cache is full, other cached
// blocks are returned to the system to make room, so it never holds more than kCacheCapacity.
class BlockCache {
 public:
  void* take(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    const auto it = blocks_.find(bytes);
    if (it == blocks_.end()) return nullptr;
    void* block = it->second;
    blocks_.erase(it);
    cached_bytes_ -= bytes;
    return block;
  }

  void put(void* block, std::size_t bytes) {
    std::vector<void*> evicted;
    {
      std::lock_guard lock(mutex_);
      if (bytes > kCacheCapacity) {
        evicted.push_back(block);
      } else {
        while (cached_bytes_ + bytes > kCacheCapacity) {
          const auto it = blocks_.begin();
          evicted.push_back(it->second);
          cached_bytes_ -= it->first;
          blocks_.erase(it);
        }
        blocks_.emplace(bytes, block);
        cached_bytes_ += bytes;
      }
    }
    for (void* p : evicted) std::free(p);
  }

 private:
  std::mutex mutex_;
  std::unordered_multimap<std::size_t, void*> blocks_;
  std::size_t cached_bytes_ = 0;
};

BlockCache& block_cache() {
  // Never destroyed: tensors held in static variables may be freed after it would have been.
  static BlockCache* cache = new BlockCache;
  return *cache;
}

}  // namespace

Storage::Storage(std::size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  check(device.is_cpu(), "Storage", "device ", device.str(), " is not available in this build");
  const std::size_t size = allocation_size(nbytes);
  if (size >= kCachedMinBytes) data_ = block_cache().take(size);
  if (!data_) data_ = std::aligned_alloc(kAlignment, size);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() {
  const std::size_t size = allocation_size(nbytes_);
  if (size >= kCachedMinBytes) block_cache().put(data_, size);
  else std::free(data_);
}

}  // namespace fw
