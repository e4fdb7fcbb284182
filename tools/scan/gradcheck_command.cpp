// `scan gradcheck`: runs the float64 finite-difference check on every case of the op
// catalogue and prints one row per case; --json writes the same rows. Exit status 1 when
// any case fails.
#include <cxxopts.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "framework/core/parallel.h"
#include "framework/devices/devices.h"
#include "framework/io/atomic_file.h"
#include "models/scan/testing/scan_catalogue.h"
#include "tools/scan/commands.h"

namespace scan_tool {

int run_gradcheck_command(int argc, char** argv) {
  cxxopts::Options options("scan gradcheck", "Float64 finite-difference gradient check of every catalogued op.");
  options.add_options()
      ("json", "also write the rows to this JSON file", cxxopts::value<std::string>())
      ("filter", "only cases whose name contains this text", cxxopts::value<std::string>()->default_value(""))
      ("seed", "seed of the random inputs", cxxopts::value<uint64_t>()->default_value("1"))
      ("device", "device to run the checks on: cpu, cuda or cuda:<n>", cxxopts::value<std::string>()->default_value("cpu"))
      ("threads", "CPU threads", cxxopts::value<int>()->default_value("0"))
      ("h,help", "show this help");
  fw::Device device;
  const auto parsed = parse_device_command(options, argc, argv, device);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  fw::backend(device);  // no backend for the device: say so once, before any row
  const std::string filter = args["filter"].as<std::string>();

  nlohmann::json rows = nlohmann::json::array();
  int failed = 0, run = 0;
  std::printf("%-40s %-28s %12s %12s  %s\n", "case", "inputs", "max abs err", "max rel err", "result");
  for (const auto& c : scan::scan_catalogue()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
    fw::GradcheckResult r;
    try {
      r = fw::testing::run_gradcheck(c, args["seed"].as<uint64_t>(), device);
    } catch (const std::exception& e) {  // a case that throws is a failed case, not the end of the run
      r.passed = false;
      r.worst = std::string("error: ") + e.what();
    }
    const std::string shapes = fw::testing::describe_inputs(c);
    std::printf("%-40s %-28s %12.3e %12.3e  %s\n", c.name.c_str(), shapes.c_str(), r.max_abs_error,
                r.max_rel_error, r.passed ? "pass" : "FAIL");
    if (!r.passed) std::printf("    worst: %s\n", r.worst.c_str());
    ++run;
    failed += r.passed ? 0 : 1;
    rows.push_back({{"name", c.name}, {"inputs", shapes}, {"max_abs_error", r.max_abs_error},
                    {"max_rel_error", r.max_rel_error}, {"elements", r.elements_checked},
                    {"passed", r.passed}, {"worst", r.worst}});
  }
  std::printf("%d cases, %d passed, %d failed\n", run, run - failed, failed);
  if (args.count("json")) fw::write_file_atomically(args["json"].as<std::string>(), rows.dump(2) + "\n");
  return failed == 0 ? 0 : 1;
}

}  // namespace scan_tool
