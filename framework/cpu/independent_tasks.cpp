// Backend::run_independent on the CPU: independent tasks (the two directions of a GRU layer) on
// one thread each. A GRU step's products are small (128 rows): split between two threads they
// run well below the machine's GEMM rate and the threads meet at every step; one direction per
// thread keeps each product on one core with no meeting at all. Inside the team, OpenBLAS's
// OpenMP build and core/parallel.h's loops run single-threaded.
#include <cblas.h>

#include <algorithm>
#include <exception>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/cpu/cpu_backend.h"

namespace fw::cpu {

namespace {

// OpenBLAS built on OpenMP runs single-threaded inside a parallel region; its pthread build
// would start its own threads from each task, against each other.
bool blas_follows_openmp() { return openblas_get_parallel() == 2; }

}  // namespace

// Every task runs, whether or not another threw (an exception must not leave an OpenMP team);
// then the first task's exception, in task order, is passed on.
void CpuBackend::run_independent(int64_t n, const std::function<void(int64_t)>& task) {
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max<int64_t>(n, 0)));
  const auto run = [&](int64_t i) {
    try {
      task(i);
    } catch (...) {
      errors[static_cast<std::size_t>(i)] = std::current_exception();
    }
  };
  const int threads = num_threads();
  // With more threads than tasks, each task is better off with all of them, one after the other.
  if (n < 2 || threads < 2 || threads > n || in_parallel_region() || !blas_follows_openmp()) {
    for (int64_t i = 0; i < n; ++i) run(i);
  } else {
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int64_t i = 0; i < n; ++i) run(i);
  }
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace fw::cpu
