#include "framework/autograd/backward_profile.h"

namespace fw {

namespace {
thread_local BackwardProfile* active_profile = nullptr;
}  // namespace

double BackwardProfile::total_seconds() const {
  double total = 0;
  for (const auto& entry : ops) total += entry.second.seconds;
  return total;
}

BackwardProfiler::BackwardProfiler(BackwardProfile& profile) : previous_(active_profile) { active_profile = &profile; }

BackwardProfiler::~BackwardProfiler() { active_profile = previous_; }

BackwardProfile* BackwardProfiler::active() { return active_profile; }

}  // namespace fw
