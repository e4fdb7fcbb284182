#include <doctest/doctest.h>

#include "framework/autograd/backward_profile.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

using namespace fw;

TEST_CASE("backward profile: every node's backward is counted under its op name while a profiler is alive") {
  const Tensor x = Tensor::from_vector<double>({0.5, -1.0, 2.0}, {3}).set_requires_grad();
  const Tensor w = Tensor::from_vector<double>({1.0, 2.0, 3.0}, {3}).set_requires_grad();
  BackwardProfile profile;
  {
    BackwardProfiler profiling(profile);
    CHECK(BackwardProfiler::active() == &profile);
    sum(exp(x) * w).backward();
  }
  CHECK(BackwardProfiler::active() == nullptr);
  REQUIRE(profile.ops.size() == 4);
  CHECK(profile.ops.at("sum").calls == 1);
  CHECK(profile.ops.at("mul").calls == 1);
  CHECK(profile.ops.at("exp").calls == 1);
  CHECK(profile.ops.at("AccumulateGrad").calls == 2);  // x and w
  double total = 0;
  for (const auto& entry : profile.ops) {
    CHECK(entry.second.seconds >= 0);
    total += entry.second.seconds;
  }
  CHECK(profile.total_seconds() == total);

  // Without a profiler nothing is counted; a second pass with one adds to the same entries.
  sum(exp(x) * w).backward();
  CHECK(profile.ops.at("mul").calls == 1);
  {
    BackwardProfiler profiling(profile);
    sum(exp(x) * w).backward();
  }
  CHECK(profile.ops.at("mul").calls == 2);
  CHECK(profile.ops.at("AccumulateGrad").calls == 4);
}

TEST_CASE("backward profile: profilers nest, the inner one collecting while it lives") {
  const Tensor x = Tensor::from_vector<double>({1.0, 2.0}, {2}).set_requires_grad();
  BackwardProfile outer, inner;
  BackwardProfiler outer_profiling(outer);
  {
    BackwardProfiler inner_profiling(inner);
    sum(x * x).backward();
  }
  CHECK(BackwardProfiler::active() == &outer);
  sum(neg(x)).backward();
  CHECK(inner.ops.count("mul") == 1);
  CHECK(inner.ops.count("neg") == 0);
  CHECK(outer.ops.count("neg") == 1);
  CHECK(outer.ops.count("mul") == 0);
}
