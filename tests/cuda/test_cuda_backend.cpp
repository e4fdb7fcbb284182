// The CUDA backend on a real device (cuda:0; main.cpp skips the executable without one): every op
// catalogue case agrees with the CPU (forward and gradients, fresh memory poisoned), host round
// trips are bitwise, the caching allocator's statistics and reuse, and random fills that give
// the CPU's numbers bit for bit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <new>
#include <string>
#include <vector>

#include "framework/core/allocator.h"
#include "framework/core/error.h"
#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/runtime.h"
#include "framework/devices/devices.h"
#include "framework/testing/op_catalogue.h"
#include "framework/testing/parity.h"

using namespace fw;

namespace {

const Device kGpu = Device::cuda(0);

// True when a and b (CPU tensors of the same dtype) hold the same bytes, element by element.
bool bitwise_equal(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const Tensor da = a.contiguous(), db = b.contiguous();
  const std::size_t size = dtype_size(a.dtype());
  const char* pa = static_cast<const char*>(da.storage()->data()) + da.offset() * size;
  const char* pb = static_cast<const char*>(db.storage()->data()) + db.offset() * size;
  return std::memcmp(pa, pb, a.numel() * size) == 0;
}

template <typename T>
std::vector<T> special_values() {
  if constexpr (std::is_floating_point_v<T>) {
    using L = std::numeric_limits<T>;
    return {T(0), T(-0.0), T(1), T(-1.5), L::min(), L::denorm_min(), -L::denorm_min(), L::max(), L::lowest(),
            L::infinity(), -L::infinity(), L::quiet_NaN(), L::epsilon(), T(3.14159265358979), T(1e-30), T(-7)};
  } else {
    using L = std::numeric_limits<T>;
    return {T(0), T(1), T(-1), L::max(), L::min(), T(123456789012345), T(-42), T(7),
            T(1) << 40, -(T(1) << 52), T(99), T(-99), T(2), T(3), T(5), T(11)};
  }
}

template <typename T>
void check_round_trip() {
  CAPTURE(dtype_name(dtype_of<T>::value));
  const Tensor host = Tensor::from_vector(special_values<T>(), {4, 4});
  const Tensor device = host.to(kGpu);
  CHECK(device.device() == kGpu);
  CHECK(device.dtype() == host.dtype());
  const Tensor back = device.to(Device::cpu());
  CHECK(back.device() == Device::cpu());
  CHECK(bitwise_equal(back, host));
  // A view on the host (made dense on the way) and one on the device (made dense by the device's copy).
  CHECK(bitwise_equal(host.transpose(0, 1).to(kGpu).to(Device::cpu()), host.transpose(0, 1).contiguous()));
  CHECK(bitwise_equal(device.transpose(0, 1).to(Device::cpu()), host.transpose(0, 1).contiguous()));
  // Empty tensors cross too.
  const Tensor empty = Tensor::empty({0, 3}, dtype_of<T>::value).to(kGpu).to(Device::cpu());
  CHECK(empty.numel() == 0);
  CHECK(empty.shape() == Shape{0, 3});
}

}  // namespace

TEST_CASE("cuda: backend(cuda:0) is the CUDA backend, supporting what the CPU's supports") {
  Backend& gpu = backend(kGpu);
  CHECK(gpu.name() == "cuda");
  Backend& cpu = backend(Device::cpu());
  for (int k = 0; k <= static_cast<int>(Kernel::CrossAttention); ++k)
    for (DType dtype : {DType::Float32, DType::Float64, DType::Int64}) {
      CAPTURE(kernel_name(static_cast<Kernel>(k)));
      CAPTURE(dtype_name(dtype));
      CHECK(gpu.supports(static_cast<Kernel>(k), dtype) == cpu.supports(static_cast<Kernel>(k), dtype));
    }
  const int count = cuda::device_count();
  CHECK_THROWS_WITH_AS(backend(Device::cuda(count)), doctest::Contains(("no CUDA device cuda:" +
                                                                        std::to_string(count)).c_str()),
                       Error);
}

TEST_CASE("cuda: every op catalogue case matches the CPU, forward and gradients, with fresh memory poisoned") {
  int passed = 0, failed = 0;
  for (const testing::OpCase& c : testing::op_catalogue()) {
    testing::ParityResult r;
    try {
      r = testing::run_parity(c, kGpu);
    } catch (const std::exception& e) {  // a case that throws fails alone; the others still run
      r.passed = false;
      r.worst = std::string("error: ") + e.what();
    }
    if (r.passed) {
      ++passed;
      continue;
    }
    ++failed;
    FAIL_CHECK(c.name << " (" << testing::describe_inputs(c) << "): forward error " << r.forward_error
               << ", gradient error " << r.gradient_error << "; worst: " << r.worst);
  }
  MESSAGE(passed << " catalogue cases passed on cuda:0, " << failed << " failed");
  CHECK(passed == static_cast<int>(testing::op_catalogue().size()));
}

TEST_CASE("cuda: host round trips are bitwise, float32, float64 and int64") {
  check_round_trip<float>();
  check_round_trip<double>();
  check_round_trip<int64_t>();
}

TEST_CASE("cuda: the allocator counts, caches and reuses freed blocks") {
  Allocator& memory = allocator(kGpu);
  cuda::synchronize("test");
  memory.release_cached();
  const AllocatorStats start = memory.stats();
  CHECK(start.cached_bytes == 0);
  constexpr std::size_t kBytes = std::size_t{4} << 20;  // a size class of its own: no rounding
  void* freed = nullptr;
  {
    const Tensor t = Tensor::empty({static_cast<int64_t>(kBytes / 4)}, DType::Float32, kGpu);
    freed = t.storage()->data();
    const AllocatorStats live = memory.stats();
    CHECK(live.in_use_bytes == start.in_use_bytes + kBytes);
    CHECK(live.peak_bytes >= live.in_use_bytes);
    CHECK(live.allocations == start.allocations + 1);
    CHECK(live.cache_hits == start.cache_hits);
  }
  const AllocatorStats after_free = memory.stats();
  CHECK(after_free.in_use_bytes == start.in_use_bytes);
  CHECK(after_free.cached_bytes == kBytes);
  CHECK(after_free.peak_bytes >= start.in_use_bytes + kBytes);
  {
    const Tensor again = Tensor::empty({static_cast<int64_t>(kBytes / 4)}, DType::Float32, kGpu);
    CHECK(again.storage()->data() == freed);  // the freed block, not a new cudaMalloc
    const AllocatorStats reused = memory.stats();
    CHECK(reused.cache_hits == after_free.cache_hits + 1);
    CHECK(reused.cached_bytes == 0);
    memory.reset_peak();
    CHECK(memory.stats().peak_bytes == memory.stats().in_use_bytes);
  }
  // Zero bytes: a valid block each time, never shared while both live.
  {
    const Tensor a = Tensor::empty({0}, DType::Float32, kGpu);
    const Tensor b = Tensor::empty({0}, DType::Float32, kGpu);
    CHECK(a.storage()->data() != nullptr);
    CHECK(a.storage()->data() != b.storage()->data());
  }
  memory.release_cached();
  CHECK(memory.stats().cached_bytes == 0);
}

TEST_CASE("cuda: poisoned blocks read as NaN and -1; out of memory is a bad_alloc that says how much") {
  Allocator& memory = allocator(kGpu);
  memory.set_poison(true);
  const std::vector<float> f = Tensor::empty({5}, DType::Float32, kGpu).to(Device::cpu()).to_vector<float>();
  const std::vector<int64_t> i = Tensor::empty({3}, DType::Int64, kGpu).to(Device::cpu()).to_vector<int64_t>();
  memory.set_poison(false);
  for (float v : f) CHECK(std::isnan(v));
  for (int64_t v : i) CHECK(v == -1);

  const AllocatorStats before = memory.stats();
  try {
    (void)Tensor::empty({int64_t{1} << 38}, DType::Float32, kGpu);  // 1 TiB
    FAIL("a 1 TiB allocation succeeded");
  } catch (const std::bad_alloc& e) {
    const std::string message = e.what();
    CAPTURE(message);
    CHECK(message.find("out of memory on cuda:0: asked 1099511627776 bytes") != std::string::npos);
  }
  CHECK(memory.stats().in_use_bytes == before.in_use_bytes);
  // The device works after the failure.
  CHECK(Tensor::from_vector(std::vector<double>{1, 2}, {2}).to(kGpu).to(Device::cpu()).to_vector<double>() ==
        std::vector<double>{1, 2});
}

TEST_CASE("cuda: random fills give the CPU's numbers bit for bit, and leave the generator where the CPU does") {
  for (DType dtype : {DType::Float32, DType::Float64}) {
    CAPTURE(dtype_name(dtype));
    Generator on_cpu(42), on_gpu(42);
    const Tensor cpu_uniform = Tensor::uniform({37, 5}, -2.0, 3.0, on_cpu, dtype);
    Tensor gpu_uniform = Tensor::empty({37, 5}, dtype, kGpu);
    backend(kGpu).fill_uniform(gpu_uniform, -2.0, 3.0, on_gpu);
    CHECK(bitwise_equal(gpu_uniform.to(Device::cpu()), cpu_uniform));

    const Tensor cpu_normal = Tensor::normal({1001}, 0.5, 2.0, on_cpu, dtype);
    Tensor gpu_normal = Tensor::empty({1001}, dtype, kGpu);
    backend(kGpu).fill_normal(gpu_normal, 0.5, 2.0, on_gpu);
    CHECK(bitwise_equal(gpu_normal.to(Device::cpu()), cpu_normal));
    CHECK(on_cpu.state() == on_gpu.state());
  }
}
