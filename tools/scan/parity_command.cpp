// `scan parity`: every case of the op catalogue in float32 on --device against the CPU (forward
// and every input gradient; framework/testing/parity.h), one row per case; --json writes the
// rows. With --device cpu the CPU is compared with itself, which checks the runner and that
// every kernel writes every output element. Exit status 1 when any case fails.
#include <cxxopts.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "framework/core/parallel.h"
#include "framework/devices/devices.h"
#include "framework/io/atomic_file.h"
#include "framework/testing/parity.h"
#include "models/scan/testing/scan_catalogue.h"
#include "tools/scan/commands.h"

namespace scan_tool {

int run_parity_command(int argc, char** argv) {
  cxxopts::Options options("scan parity", "Each catalogued op in float32 on a device against the CPU.");
  options.add_options()
      ("device", "device to compare with the CPU: cpu, cuda or cuda:<n>", cxxopts::value<std::string>()->default_value("cpu"))
      ("json", "also write the rows to this JSON file", cxxopts::value<std::string>())
      ("filter", "only cases whose name contains this text", cxxopts::value<std::string>()->default_value(""))
      ("atol", "absolute tolerance", cxxopts::value<double>()->default_value("1e-5"))
      ("rtol", "relative tolerance", cxxopts::value<double>()->default_value("1e-4"))
      ("seed", "seed of the random inputs and projection", cxxopts::value<uint64_t>()->default_value("1"))
      ("threads", "CPU threads", cxxopts::value<int>()->default_value("0"))
      ("h,help", "show this help");
  fw::Device device;
  const auto parsed = parse_device_command(options, argc, argv, device);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  fw::backend(device);  // no backend for the device: say so once, before any row
  fw::testing::ParityOptions o{args["atol"].as<double>(), args["rtol"].as<double>(), args["seed"].as<uint64_t>()};
  fw::check(o.atol >= 0 && o.rtol >= 0, "--atol/--rtol", "tolerances must be non-negative, got ", o.atol, " and ",
            o.rtol);
  const std::string filter = args["filter"].as<std::string>();

  nlohmann::json rows = nlohmann::json::array();
  int failed = 0, run = 0;
  std::printf("%s against cpu, float32, |x - ref| <= %g + %g |ref| (errors in units of that bound)\n",
              device.str().c_str(), o.atol, o.rtol);
  std::printf("%-40s %-28s %12s %12s  %s\n", "case", "inputs", "forward", "gradients", "result");
  for (const auto& c : scan::scan_catalogue()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
    fw::testing::ParityResult r;
    try {
      r = fw::testing::run_parity(c, device, o);
    } catch (const std::exception& e) {  // a case that throws is a failed case, not the end of the run
      r.passed = false;
      r.worst = "error: ";
      r.worst += e.what();
    }
    const std::string shapes = fw::testing::describe_inputs(c);
    std::printf("%-40s %-28s %12.3e %12.3e  %s\n", c.name.c_str(), shapes.c_str(), r.forward_error,
                r.gradient_error, r.passed ? "pass" : "FAIL");
    if (!r.passed) std::printf("    worst: %s\n", r.worst.c_str());
    ++run;
    failed += r.passed ? 0 : 1;
    rows.push_back({{"name", c.name}, {"inputs", shapes}, {"device", device.str()},
                    {"forward_error", r.forward_error}, {"gradient_error", r.gradient_error},
                    {"elements", r.elements}, {"passed", r.passed}, {"worst", r.worst}});
  }
  std::printf("%d cases, %d passed, %d failed\n", run, run - failed, failed);
  if (args.count("json")) fw::write_file_atomically(args["json"].as<std::string>(), rows.dump(2) + "\n");
  return failed == 0 ? 0 : 1;
}

}  // namespace scan_tool
