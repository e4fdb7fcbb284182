// The GPU test executable (cuda_tests): the doctest cases of tests/cuda, run only where a CUDA
// device is present. Without one it says why and exits 77, which ctest reports as skipped.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "framework/cuda/runtime.h"

int main(int argc, char** argv) {
  std::string why;
  if (fw::cuda::device_count(&why) == 0) {
    std::printf("no CUDA device: %s; the GPU tests are skipped\n", why.c_str());
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
