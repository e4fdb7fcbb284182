#pragma once
// What the operating system says about this process (Linux): resident memory and page faults.
#include <cstdint>

namespace scan_tool {

// Peak resident set size (VmHWM) in bytes since the start or the last reset_peak_resident().
int64_t peak_resident_bytes();
// Restarts the peak at the current resident size (writes 5 to /proc/self/clear_refs); false
// where the kernel does not allow it (the peak then covers the whole run).
bool reset_peak_resident();
// Minor page faults of the process so far (memory the OS had to hand out or map in).
int64_t minor_page_faults();

}  // namespace scan_tool
