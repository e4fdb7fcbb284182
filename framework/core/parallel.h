#pragma once
// How many OpenMP threads the CPU kernels use, and the one parallel loop they share.
// Work is split into chunks that depend only on the problem size and the thread count,
// and every output element is produced by one thread in a fixed order, so results are
// bitwise identical from run to run for a given thread count.
#include <cstdint>

namespace fw {

// The most threads set_num_threads accepts: beyond it OpenMP runtimes abort or crash (libgomp
// segfaults at tens of thousands), and no machine this runs on has that many cores.
constexpr int kMaxThreads = 1024;

void set_num_threads(int threads);  // 1..kMaxThreads; also sets OpenBLAS's thread count
int num_threads();
bool in_parallel_region();  // inside an OpenMP team (a task of Backend::run_independent)

// Calls body(begin, end) on disjoint ranges covering [0, n). Runs serially when n < grain, and
// inside a parallel region (its thread is one of a team already).
template <typename Body>
void parallel_for(int64_t n, int64_t grain, Body&& body) {
  if (n <= 0) return;
  const int threads = num_threads();
  if (threads <= 1 || n < 2 * grain || in_parallel_region()) {
    body(int64_t{0}, n);
    return;
  }
  int64_t chunks = (n + grain - 1) / grain;
  if (chunks > threads) chunks = threads;
#pragma omp parallel for num_threads(threads) schedule(static, 1)
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
    body(begin, end);
  }
}

}  // namespace fw
