#pragma once
// Where Storage gets its memory: one Allocator per device kind, with statistics. The CPU's is
// built in (64-byte aligned blocks and a cache of freed large blocks, allocator.cpp); a device
// backend registers its own (register_allocator) before its first tensor is made.
#include <cstddef>
#include <cstdint>

#include "framework/core/device.h"

namespace fw {

struct AllocatorStats {
  std::size_t in_use_bytes = 0;  // held by live storage (as requested, rounded to the alignment)
  std::size_t cached_bytes = 0;  // freed, kept for reuse
  std::size_t peak_bytes = 0;    // the largest in_use_bytes since the start (or reset_peak)
  int64_t allocations = 0;       // allocate() calls
  int64_t cache_hits = 0;        // of which served from the cache
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  // At least nbytes (0 allowed), aligned for any dtype; throws std::bad_alloc when out of memory.
  virtual void* allocate(std::size_t nbytes) = 0;
  // Gives back what allocate(nbytes) returned, with the same nbytes.
  virtual void deallocate(void* data, std::size_t nbytes) = 0;
  virtual AllocatorStats stats() const = 0;
  virtual void reset_peak() = 0;
  // Returns every cached block to the system.
  virtual void release_cached() = 0;
  // While on, every block handed out is first filled with 0xFF bytes (a NaN in every float32 and
  // float64 element, -1 in int64), so that an output element a kernel forgets to write shows
  // (the parity runner, framework/testing/parity.h). Off by default.
  virtual void set_poison(bool on) = 0;
};

// The allocator of `device`'s kind; an error naming the device when none is registered.
Allocator& allocator(Device device);
// Installs the allocator of a device kind (not the CPU's, which is built in). Not thread-safe:
// call it before making tensors on that device.
void register_allocator(Device::Kind kind, Allocator* allocator);

}  // namespace fw
