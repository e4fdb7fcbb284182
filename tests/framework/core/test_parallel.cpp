#include <doctest/doctest.h>

#include <atomic>
#include <cstring>

#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

using namespace fw;

namespace {

// Restores the thread count when a test ends, whatever it set.
struct ThreadCountRestorer {
  int saved = num_threads();
  ~ThreadCountRestorer() { set_num_threads(saved); }
};

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  const std::vector<float> x = a.to_vector<float>(), y = b.to_vector<float>();
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("set_num_threads / num_threads") {
  ThreadCountRestorer restore;
  CHECK(num_threads() >= 1);
  set_num_threads(1);
  CHECK(num_threads() == 1);
  set_num_threads(2);
  CHECK(num_threads() == 2);
  CHECK_THROWS_WITH_AS(set_num_threads(0), doctest::Contains("set_num_threads: expected 1 to 1024 threads, got 0"),
                       Error);
  CHECK_THROWS_WITH_AS(set_num_threads(-3), doctest::Contains("got -3"), Error);
  // Beyond the limit OpenMP runtimes crash (libgomp at tens of thousands of threads).
  CHECK_THROWS_WITH_AS(set_num_threads(kMaxThreads + 1), doctest::Contains("expected 1 to 1024 threads, got 1025"),
                       Error);
  CHECK_THROWS_WITH_AS(set_num_threads(65536), doctest::Contains("got 65536"), Error);
  CHECK(num_threads() == 2);  // a rejected value changes nothing
}

TEST_CASE("parallel_for covers every index exactly once") {
  ThreadCountRestorer restore;
  set_num_threads(2);
  const int64_t n = 100003;
  std::vector<std::atomic<int>> hits(n);
  parallel_for(n, 1000, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) hits[i].fetch_add(1);
  });
  bool once = true;
  for (const auto& h : hits) once = once && h.load() == 1;
  CHECK(once);
  int calls = 0;
  parallel_for(0, 1, [&](int64_t, int64_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("results with 1 and 2 threads are bitwise identical") {
  ThreadCountRestorer restore;
  Generator gen(11);
  const Tensor a = Tensor::uniform({400, 500}, -1, 1, gen);  // 200k elements
  const Tensor b = Tensor::uniform({400, 500}, 0.5, 2, gen);
  const Tensor row = Tensor::uniform({500}, -1, 1, gen);
  const auto compute = [&]() {
    return std::vector<Tensor>{a * b + a / b, a.transpose(0, 1).contiguous(), a + row, sum(a * b, -1),
                               sum(a, 0), sum(a.transpose(0, 1), {0, 1})};
  };
  set_num_threads(1);
  const std::vector<Tensor> one = compute();
  set_num_threads(2);
  const std::vector<Tensor> two = compute();
  for (size_t i = 0; i < one.size(); ++i) {
    INFO("result ", i);
    CHECK(bitwise_equal(one[i], two[i]));
  }
  CHECK(bitwise_equal(compute()[3], two[3]));  // and run to run
}
