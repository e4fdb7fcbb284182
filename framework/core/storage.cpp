#include "framework/core/storage.h"

#include "framework/core/allocator.h"

namespace fw {

Storage::Storage(std::size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  data_ = allocator(device).allocate(nbytes);
}

Storage::~Storage() { allocator(device_).deallocate(data_, nbytes_); }

}  // namespace fw
