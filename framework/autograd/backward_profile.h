#pragma once
// Where the time of a backward pass goes: wall-clock seconds and calls per op name, measured by
// the engine around each node's backward (its apply) while a BackwardProfiler is alive.
//   fw::BackwardProfile profile;
//   {
//     fw::BackwardProfiler profiling(profile);
//     loss.backward();
//   }
//   for (const auto& [op, entry] : profile.ops) ...   // "gru": 0.61 s, 1 call; "matmul": ...
// Gradient accumulation into leaves counts under "AccumulateGrad"; the engine's own work (the
// topological sort, summing gradients that meet) is the rest of the backward's time. Profilers
// nest (the innermost one collects) and see the backward passes run on the thread that made them.
#include <cstdint>
#include <map>
#include <string>

namespace fw {

struct BackwardProfile {
  struct Entry {
    double seconds = 0;
    int64_t calls = 0;
  };
  std::map<std::string, Entry> ops;
  double total_seconds() const;
};

class BackwardProfiler {
 public:
  explicit BackwardProfiler(BackwardProfile& profile);
  ~BackwardProfiler();
  BackwardProfiler(const BackwardProfiler&) = delete;
  BackwardProfiler& operator=(const BackwardProfiler&) = delete;

  // The profile of the profiler alive on this thread, or null.
  static BackwardProfile* active();

 private:
  BackwardProfile* previous_;
};

}  // namespace fw
