#include <cblas.h>
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/cpu/cpu_backend.h"

using namespace fw;

namespace {

struct ThreadCountGuard {
  int saved = num_threads();
  ~ThreadCountGuard() { set_num_threads(saved); }
};

}  // namespace

TEST_CASE("run_independent runs every task once, on a thread each when there are as many threads as tasks") {
  ThreadCountGuard guard;
  for (const int threads : {1, 2, 3}) {
    CAPTURE(threads);
    set_num_threads(threads);
    std::vector<int> runs(2, 0);
    std::vector<bool> inside(2, false);
    cpu::cpu_backend().run_independent(2, [&](int64_t i) {
      ++runs[i];
      inside[i] = in_parallel_region();
      // A parallel loop inside a task runs on the task's thread alone, and still covers its range.
      std::atomic<int64_t> covered{0};
      parallel_for(1000, 1, [&](int64_t begin, int64_t end) { covered += end - begin; });
      CHECK(covered == 1000);
    });
    CHECK(runs == std::vector<int>{1, 1});
    // Concurrent only with 2 threads for 2 tasks (and OpenBLAS on OpenMP, as the build links it).
    const bool concurrent = inside[0] && inside[1];
    if (threads != 2) CHECK_FALSE(concurrent);
    if (threads == 2 && openblas_get_parallel() == 2) CHECK(concurrent);
  }
}

TEST_CASE("run_independent passes a task's exception on, after every task has run") {
  ThreadCountGuard guard;
  for (const int threads : {1, 2}) {
    set_num_threads(threads);
    std::vector<int> runs(2, 0);
    CHECK_THROWS_WITH_AS(cpu::cpu_backend().run_independent(2,
                                                            [&](int64_t i) {
                                                              ++runs[i];
                                                              if (i == 0) throw std::runtime_error("task 0 failed");
                                                            }),
                         "task 0 failed", std::runtime_error);
    CHECK(runs == std::vector<int>{1, 1});
  }
}
