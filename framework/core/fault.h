#pragma once
// Fault injection for crash tests: named points in the code where a test can have the process
// killed, to prove that a kill anywhere leaves nothing half-written and that resuming gives the
// uninterrupted run's results. Off unless the environment variable FW_FAULT_KILL is set:
//   FW_FAULT_KILL=<point>:<n>   SIGKILL this process the n-th time (1-based) <point> is reached
// e.g. FW_FAULT_KILL=atomic_write.before_rename:3. The points are listed where they are placed
// (grep fault_point); reaching one costs a string comparison when the variable is set, nothing
// but a flag test otherwise.
namespace fw {

void fault_point(const char* name);

}  // namespace fw
