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

// Registers the stand-in for the scope of one test.
struct FakeDeviceMemory {
  HostMemoryAllocator memory;
  FakeDeviceMemory() { register_allocator(Device::Kind::CUDA, &memory); }
  ~FakeDeviceMemory() { register_allocator(Device::Kind::CUDA, nullptr); }
};

}  // namespace

TEST_CASE("backend(device): the CPU's, and an error naming any other device") {
  CHECK(backend(Device::cpu()).name() == "cpu");
  CHECK_THROWS_WITH_AS(backend(Device::cuda(1)), doctest::Contains("no backend for device cuda:1 in this build"),
                       Error);
  const Tensor x = Tensor::ones({2});
  CHECK(x.to(Device::cpu()).shares_storage_with(x));
  CHECK_THROWS_WITH_AS(x.to(Device::cuda()), doctest::Contains("no backend for device cuda:0"), Error);
}

TEST_CASE("a tensor on a device without a backend: no pointer, no kernel, a clear error") {
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
