// Finding a device's backend, and what happens to tensors on a device this build has no backend
// for. A stand-in allocator for the CUDA kind (host memory) lets such tensors exist.
#include "framework/devices/devices.h"

#include <doctest/doctest.h>

#include <cstdlib>

#include "framework/core/allocator.h"
#include "framework/core/error.h"
#include "framework/ops/elementwise.h"

using namespace fw;

namespace {

class HostMemoryAllocator final : public Allocator {
 public:
  void* allocate(std::size_t nbytes) override { return std::malloc(nbytes ? nbytes : 1); }
  void deallocate(void* data, std::size_t) override { std::free(data); }
  AllocatorStats stats() const override { return {}; }
  void reset_peak() override {}
  void release_cached() override {}
  void set_poison(bool) override {}
};

// The allocator registered for the CUDA kind now (a CUDA build registers its own), or null.
Allocator* registered_cuda_allocator() {
  try {
    return &allocator(Device::cuda());
  } catch (const Error&) {
    return nullptr;
  }
}

// Registers the stand-in for the scope of one test, then puts back what was there.
struct FakeDeviceMemory {
  HostMemoryAllocator memory;
  Allocator* previous = registered_cuda_allocator();
  FakeDeviceMemory() { register_allocator(Device::Kind::CUDA, &memory); }
  ~FakeDeviceMemory() { register_allocator(Device::Kind::CUDA, previous); }
};

// Whether cuda:0 has a backend here (a CUDA build on a machine with a GPU).
bool cuda_usable() {
  try {
    backend(Device::cuda());
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

TEST_CASE("backend(device): the CPU's, and an error naming any other device") {
  CHECK(backend(Device::cpu()).name() == "cpu");
  CHECK_THROWS_WITH_AS(backend(Device::cuda(7)), doctest::Contains("no backend for device cuda:7"), Error);
  const Tensor x = Tensor::ones({2});
  CHECK(x.to(Device::cpu()).shares_storage_with(x));
  if (cuda_usable()) {
    MESSAGE("cuda:0 has a backend here: the errors for a device without one are checked on cuda:7 only");
    return;
  }
  CHECK_THROWS_WITH_AS(x.to(Device::cuda()), doctest::Contains("no backend for device cuda:0"), Error);
}

TEST_CASE("a tensor on a device without a backend: no pointer, no kernel, a clear error") {
  if (cuda_usable()) {
    MESSAGE("cuda:0 has a backend here: a stand-in for its memory would hand host memory to its kernels");
    return;
  }
  FakeDeviceMemory fake;
  Tensor on_device = Tensor::empty({2, 3}, DType::Float32, Device::cuda());
  CHECK(on_device.device() == Device::cuda());
  CHECK_THROWS_WITH_AS(
      on_device.data<float>(),
      doctest::Contains("Tensor::data: the tensor is on cuda:0; its elements can be read only on the CPU"), Error);
  CHECK_THROWS_WITH_AS(on_device.to_vector<float>(), doctest::Contains("no backend for device cuda:0"), Error);
  CHECK_THROWS_WITH_AS(on_device + on_device, doctest::Contains("no backend for device cuda:0"), Error);
  const Tensor on_cpu = Tensor::ones({2, 3});
  CHECK_THROWS_WITH_AS(on_cpu + on_device, doctest::Contains("add: device mismatch: cpu vs cuda:0"), Error);
  CHECK_THROWS_WITH_AS(common_device("join", {&on_cpu, &on_device}),
                       doctest::Contains("join: tensors on different devices: cpu and cuda:0"), Error);
}
