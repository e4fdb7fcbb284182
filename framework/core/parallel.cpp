#include "framework/core/parallel.h"

#include <omp.h>

#include <algorithm>

#include "framework/core/error.h"

extern "C" void openblas_set_num_threads(int num_threads);

namespace fw {

namespace {
int& thread_setting() {
  static int threads = std::max(1, omp_get_max_threads());
  return threads;
}
}  // namespace

void set_num_threads(int threads) {
  check(threads >= 1, "set_num_threads", "expected at least 1 thread, got ", threads);
  thread_setting() = threads;
  openblas_set_num_threads(threads);
}

int num_threads() { return thread_setting(); }

}  // namespace fw
