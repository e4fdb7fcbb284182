// The CPU allocator's statistics (core/allocator.h).
#include "framework/core/allocator.h"

#include <doctest/doctest.h>

#include "framework/core/error.h"
#include "framework/core/storage.h"

using namespace fw;

TEST_CASE("cpu allocator: bytes in use, peak, cache hits") {
  Allocator& cpu = allocator(Device::cpu());
  cpu.release_cached();
  cpu.reset_peak();
  const AllocatorStats before = cpu.stats();
  constexpr std::size_t kBig = std::size_t{1} << 20;  // cached when freed (>= 128 KiB)
  {
    Storage a(kBig, Device::cpu());
    Storage b(100, Device::cpu());  // rounded up to 128 bytes
    const AllocatorStats during = cpu.stats();
    CHECK(during.in_use_bytes == before.in_use_bytes + kBig + 128);
    CHECK(during.peak_bytes >= during.in_use_bytes);
    CHECK(during.allocations == before.allocations + 2);
  }
  const AllocatorStats after = cpu.stats();
  CHECK(after.in_use_bytes == before.in_use_bytes);
  CHECK(after.cached_bytes == before.cached_bytes + kBig);  // the large block is kept, the small one freed
  CHECK(after.peak_bytes >= before.in_use_bytes + kBig + 128);
  { Storage again(kBig, Device::cpu()); }
  CHECK(cpu.stats().cache_hits == after.cache_hits + 1);
  // Sizes of one class (8 per power of two) share a block: 1 MiB + 1 KB and 1 MiB + 100 KB are
  // both 1 MiB + 128 KiB.
  { Storage near(kBig + 1000, Device::cpu()); }
  const AllocatorStats cached_near = cpu.stats();
  { Storage nearby(kBig + 100000, Device::cpu()); }
  CHECK(cpu.stats().cache_hits == cached_near.cache_hits + 1);
  CHECK(cpu.stats().cached_bytes == cached_near.cached_bytes);
  cpu.release_cached();
  CHECK(cpu.stats().cached_bytes == 0);
  CHECK_THROWS_WITH_AS(register_allocator(Device::Kind::CPU, nullptr), doctest::Contains("built in"), Error);
}
