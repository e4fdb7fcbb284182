#include "framework/core/storage.h"

#include <cstdlib>
#include <new>

#include "framework/core/error.h"

namespace fw {

Storage::Storage(std::size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  check(device.is_cpu(), "Storage", "device ", device.str(), " is not available in this build");
  const std::size_t alignment = 64;
  const std::size_t rounded = (std::max<std::size_t>(nbytes, 1) + alignment - 1) / alignment * alignment;
  data_ = std::aligned_alloc(alignment, rounded);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() { std::free(data_); }

}  // namespace fw
