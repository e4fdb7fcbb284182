#pragma once
// The PyTorch side of `scan bench --torch`: runs tools/bench_torch_scan.py (Debian's
// /usr/bin/python3 with torch) on the same shapes, caption lengths and threads, and returns the
// seconds of each timed run and the process's peak memory. Workloads: "step" and "eval". An
// error naming the command when Python or torch is missing.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/scan/bench/bench_workloads.h"

namespace scan_tool {

struct TorchRuns {
  std::vector<double> seconds;  // of each timed run
  int64_t peak_resident_bytes = 0;  // of the Python process (PyTorch loaded, model, batch and the runs)
  std::string torch_version;
  nlohmann::json details;  // the script's whole answer (eval: encode_s, scores_s, image shards timed)
};

// What an eval run needs besides the caption lengths (of every caption, in file order).
struct TorchEvalShape {
  int64_t images = 0;
  int64_t image_shards = 1;  // image shards of 128 whose score blocks are timed (then scaled to all)
};

TorchRuns run_torch_bench(const std::string& workload, const std::string& style, const scan::BenchSizes& sizes,
                          const std::vector<int64_t>& lengths, int reps, int warmup, const TorchEvalShape& eval = {});

}  // namespace scan_tool
