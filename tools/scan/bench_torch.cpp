#include "tools/scan/bench_torch.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/io/atomic_file.h"

namespace scan_tool {

TorchRuns run_torch_bench(const std::string& workload, const std::string& style, const scan::BenchSizes& sizes,
                          const std::vector<int64_t>& lengths, int reps, int warmup, const TorchEvalShape& eval) {
  const std::string python = "/usr/bin/python3";
  const std::string script = std::string(SCAN_SOURCE_DIR) + "/tools/bench_torch_scan.py";
  fw::check(access(python.c_str(), X_OK) == 0, "scan bench --torch", python,
            " not found: the PyTorch baseline needs Debian's python3-torch");
  fw::check(std::filesystem::exists(script), "scan bench --torch", "the baseline script ", script, " is missing");
  const nlohmann::json spec = {
      {"workload", workload}, {"style", style}, {"threads", fw::num_threads()}, {"reps", reps},
      {"warmup", warmup}, {"lengths", lengths}, {"regions", sizes.regions}, {"img_dim", sizes.img_dim},
      {"embed_size", sizes.embed_size}, {"word_dim", sizes.word_dim}, {"vocab_size", sizes.vocab_size},
      {"images", eval.images}, {"image_shards", eval.image_shards}};
  const std::string spec_path =
      (std::filesystem::temp_directory_path() / ("scan_bench_" + std::to_string(getpid()) + ".json")).string();
  fw::write_file_atomically(spec_path, spec.dump());
  auto quoted = [](const std::string& text) {  // for the shell: '...' with each ' written as '\''
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  const std::string command = quoted(python) + " " + quoted(script) + " --spec " + quoted(spec_path);
  std::FILE* pipe = popen(command.c_str(), "r");
  fw::check(pipe != nullptr, "scan bench --torch", "could not run '", command, "'");
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = pclose(pipe);
  std::filesystem::remove(spec_path);
  const nlohmann::json result = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  fw::check(status == 0 && result.is_object() && result.contains("runs_s"), "scan bench --torch", "'", command,
            "' failed (exit status ", status, "; is python3-torch installed?)");
  TorchRuns runs;
  runs.seconds = result["runs_s"].get<std::vector<double>>();
  runs.peak_resident_bytes = result.value("peak_resident_bytes", int64_t{0});
  runs.torch_version = result.value("torch_version", std::string("?"));
  runs.details = result;
  return runs;
}

}  // namespace scan_tool
