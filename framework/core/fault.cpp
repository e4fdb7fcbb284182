#include "framework/core/fault.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fw {

namespace {

struct FaultPlan {
  std::string point;  // empty: no fault planned
  long count = 0;
};

const FaultPlan& plan() {
  static const FaultPlan parsed = [] {
    FaultPlan p;
    const char* text = std::getenv("FW_FAULT_KILL");
    if (text == nullptr) return p;
    const char* colon = std::strrchr(text, ':');
    if (colon == nullptr) return p;
    char* end = nullptr;
    const long n = std::strtol(colon + 1, &end, 10);
    if (*end != '\0' || n < 1) return p;
    p.point.assign(text, colon);
    p.count = n;
    return p;
  }();
  return parsed;
}

}  // namespace

void fault_point(const char* name) {
  const FaultPlan& p = plan();
  if (p.point.empty() || p.point != name) return;
  static std::atomic<long> reached{0};
  if (++reached == p.count) ::kill(::getpid(), SIGKILL);
}

}  // namespace fw
