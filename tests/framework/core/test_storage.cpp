#include <doctest/doctest.h>
#include <sys/resource.h>

#include <cstdint>

#include "framework/core/storage.h"
#include "framework/core/tensor.h"
#include "framework/devices/devices.h"

using namespace fw;

namespace {

long minor_page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

}  // namespace

TEST_CASE("storage is 64-byte aligned and sized as asked") {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{1} << 20}) {
    Storage s(n, Device::cpu());
    CHECK(s.nbytes() == n);
    CHECK(reinterpret_cast<std::uintptr_t>(s.data()) % 64 == 0);
  }
}

TEST_CASE("storage on a device this build or machine cannot use: a clear error") {
  bool usable = true;
  try {
    fw::backend(Device::cuda());
  } catch (const Error&) {
    usable = false;
  }
  if (usable) {
    MESSAGE("cuda:0 is usable here: its storage is tested by tests/cuda");
    return;
  }
  CHECK_THROWS_WITH_AS(Storage(16, Device::cuda()), doctest::Contains("Storage: device cuda:0 is not available"),
                       Error);
}

TEST_CASE("live storages never share memory, whatever is reused") {
  Storage a(1 << 20, Device::cpu());
  void* freed_address;
  {
    Storage b(1 << 20, Device::cpu());
    freed_address = b.data();
  }
  Storage c(1 << 20, Device::cpu());
  Storage d(1 << 20, Device::cpu());
  CHECK(c.data() != a.data());
  CHECK(d.data() != a.data());
  CHECK(d.data() != c.data());
  CHECK((c.data() == freed_address || d.data() == freed_address));  // the freed block is reused
}

TEST_CASE("an op loop reuses freed output memory instead of faulting in fresh pages") {
  // `out = f(...)` allocates the new 4 MiB output while the old one is alive, then frees the old
  // one: the steady state of any loop over ops. Fresh pages would cost 1024 page faults per call.
  Tensor out;
  for (int i = 0; i < 3; ++i) out = Tensor::full({1 << 20}, 1.0);
  const long before = minor_page_faults();
  for (int i = 0; i < 4; ++i) out = Tensor::full({1 << 20}, 2.0);
  const long faults = minor_page_faults() - before;
  CHECK(faults < 256);
  CHECK(out.at({12345}) == 2.0);
}
