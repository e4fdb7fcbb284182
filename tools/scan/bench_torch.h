#pragma once
// The PyTorch side of `scan bench --torch`: runs tools/bench_torch_scan.py (Debian's
// /usr/bin/python3 with torch) on the same shapes, caption lengths and threads, and returns the
// seconds of each timed run and the process's peak memory. An error naming the command when Python or torch is missing.
#include <cstdint>
#include <string>
#include <vector>

#include "models/scan/bench/bench_workloads.h"

namespace scan_tool {

struct TorchRuns {
  std::vector<double> seconds;  // of each timed run
  int64_t peak_resident_bytes = 0;  // of the Python process (PyTorch loaded, model, batch and the runs)
  std::string torch_version;
};

TorchRuns run_torch_bench(const std::string& workload, const std::string& style, const scan::BenchSizes& sizes,
                          const std::vector<int64_t>& lengths, int reps, int warmup);

}  // namespace scan_tool
