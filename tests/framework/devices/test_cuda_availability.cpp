// CUDA devices where there are none: on a machine without a usable CUDA device (or in a build
// without the CUDA backend) backend(cuda:0) and a tensor made on cuda:0 fail with an fw::Error
// that names the device and says why, instead of crashing. Needs no GPU; with one, it is skipped
// (tests/cuda checks the device itself).
#include <doctest/doctest.h>

#include <string>

#include "framework/core/error.h"
#include "framework/core/tensor.h"
#include "framework/devices/devices.h"
#ifdef FW_HAS_CUDA
#include "framework/core/allocator.h"
#include "framework/cuda/cuda_allocator.h"
#include "framework/cuda/runtime.h"
#endif

using namespace fw;

TEST_CASE("a CUDA device this build or machine lacks: backend() and tensors on it fail with a clear error") {
  const Tensor on_cpu = Tensor::ones({2});
#ifdef FW_HAS_CUDA
  std::string why;
  if (cuda::device_count(&why) > 0) {
    MESSAGE("this machine has a CUDA device: the checks of its absence are skipped");
    return;
  }
  // test_devices.cpp installs a stand-in CUDA allocator and then removes it: put the real one back.
  register_allocator(Device::Kind::CUDA, &cuda::cuda_allocator());
  const std::string no_device = "no CUDA device cuda:0 on this machine (" + why + ")";
  CHECK_THROWS_WITH_AS(backend(Device::cuda(0)), doctest::Contains(no_device.c_str()), Error);
  CHECK_THROWS_WITH_AS(on_cpu.to(Device::cuda(0)), doctest::Contains(no_device.c_str()), Error);
  const std::string no_memory = "Storage: device cuda:0 is not available: no CUDA device on this machine (" + why +
                                ")";
  CHECK_THROWS_WITH_AS(Tensor::zeros({2}, DType::Float32, Device::cuda(0)), doctest::Contains(no_memory.c_str()),
                       Error);
#else
  CHECK_THROWS_WITH_AS(backend(Device::cuda(0)),
                       doctest::Contains("no backend for device cuda:0 in this build: this build has no CUDA backend"),
                       Error);
  CHECK_THROWS_WITH_AS(on_cpu.to(Device::cuda(0)), doctest::Contains("this build has no CUDA backend"), Error);
  CHECK_THROWS_WITH_AS(Tensor::zeros({2}, DType::Float32, Device::cuda(0)),
                       doctest::Contains("Storage: device cuda:0 is not available in this build"), Error);
#endif
}
