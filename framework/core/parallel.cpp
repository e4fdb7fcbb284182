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
  check(threads >= 1 && threads <= kMaxThreads, "set_num_threads", "expected 1 to ", kMaxThreads, " threads, got ",
        threads);
  thread_setting() = threads;
  openblas_set_num_threads(threads);
}

int num_threads() { return thread_setting(); }

bool in_parallel_region() { return omp_in_parallel() != 0; }

}  // namespace fw
