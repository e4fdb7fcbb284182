// Runs the built `scan` program as a user would, and checks its exit status and output.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "models/scan/testing/scan_catalogue.h"

namespace {

struct RunResult {
  int status = -1;     // exit status of the program
  std::string output;  // stdout and stderr together
};

RunResult run_scan(const std::string& arguments) {
  const std::string command = std::string(SCAN_BINARY_DIR) + "/scan " + arguments + " 2>&1";
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int wait_status = pclose(pipe);
  result.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  return result;
}

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("scan_cli_test_" + std::to_string(getpid()) + "_" + name);
}

}  // namespace

TEST_CASE("scan gradcheck --filter elementwise/ --json FILE writes one row per case") {
  REQUIRE(std::filesystem::exists(std::string(SCAN_BINARY_DIR) + "/scan"));
  const std::filesystem::path json_path = temp_path("gradcheck.json");
  const RunResult run = run_scan("gradcheck --filter elementwise/ --threads 1 --json " + json_path.string());
  INFO(run.output);
  CHECK(run.status == 0);
  CHECK(run.output.find("elementwise/add") != std::string::npos);
  CHECK(run.output.find(" 0 failed") != std::string::npos);

  REQUIRE(std::filesystem::exists(json_path));
  std::ifstream in(json_path);
  const nlohmann::json rows = nlohmann::json::parse(in);
  std::filesystem::remove(json_path);

  std::vector<std::string> expected;
  for (const auto& c : scan::scan_catalogue())
    if (c.name.find("elementwise/") != std::string::npos) expected.push_back(c.name);
  REQUIRE(rows.is_array());
  CHECK(rows.size() == expected.size());
  for (size_t i = 0; i < rows.size() && i < expected.size(); ++i) {
    const auto& row = rows[i];
    INFO(row.dump());
    CHECK(row.at("name") == expected[i]);
    CHECK(row.at("inputs").is_string());
    CHECK(row.at("max_abs_error").is_number());
    CHECK(row.at("max_rel_error").is_number());
    CHECK(row.at("max_abs_error").get<double>() < 1e-5);
    CHECK(row.at("passed") == true);
  }
}

TEST_CASE("scan rejects an unknown command with a non-zero status") {
  const RunResult run = run_scan("nosuchcommand");
  CHECK(run.status != 0);
  CHECK(run.output.find("unknown command 'nosuchcommand'") != std::string::npos);
  const RunResult bare = run_scan("");
  CHECK(bare.status != 0);
  CHECK(bare.output.find("usage: scan <command>") != std::string::npos);
}

TEST_CASE("scan gradcheck rejects an unknown option with a message") {
  const RunResult run = run_scan("gradcheck --bogus");
  INFO(run.output);
  CHECK(run.status != 0);
  CHECK(run.output.find("scan gradcheck: error:") != std::string::npos);
  CHECK(run.output.find("bogus") != std::string::npos);
}

TEST_CASE("scan gradcheck --help describes the options") {
  const RunResult run = run_scan("gradcheck --help");
  CHECK(run.status == 0);
  for (const char* option : {"--filter", "--json", "--seed", "--threads"}) {
    INFO(option);
    CHECK(run.output.find(option) != std::string::npos);
  }
}

TEST_CASE("scan commands refuse a thread count OpenMP cannot run, before doing any work") {
  for (const char* command : {"train --threads 100000", "eval --model absent.safetensors --threads 65536",
                              "gradcheck --threads=40000"}) {
    INFO(command);
    const RunResult run = run_scan(command);
    INFO(run.output);
    CHECK(run.status != 0);
    CHECK(run.output.find("--threads") != std::string::npos);
    CHECK(run.output.find("1024") != std::string::npos);
  }
}

TEST_CASE("scan train: a value that does not parse names its option") {
  for (const char* arguments : {"train --batch_size abc", "train --learning_rate=fast"}) {
    INFO(arguments);
    const RunResult run = run_scan(arguments);
    INFO(run.output);
    CHECK(run.status != 0);
    const std::string option = std::string(arguments).find("batch") != std::string::npos ? "--batch_size: cannot read 'abc'"
                                                                                         : "--learning_rate: cannot read 'fast'";
    CHECK(run.output.find("scan train: error: " + option + " as a value of this option") != std::string::npos);
  }
}

TEST_CASE("scan parity --filter unary/ --json FILE: one row per case, the CPU against itself") {
  const std::filesystem::path json_path = temp_path("parity.json");
  const RunResult run = run_scan("parity --filter unary/ --threads 1 --json " + json_path.string());
  INFO(run.output);
  CHECK(run.status == 0);
  CHECK(run.output.find("cpu against cpu, float32") != std::string::npos);
  CHECK(run.output.find(" 0 failed") != std::string::npos);
  REQUIRE(std::filesystem::exists(json_path));
  std::ifstream in(json_path);
  const nlohmann::json rows = nlohmann::json::parse(in);
  std::filesystem::remove(json_path);
  REQUIRE(rows.is_array());
  CHECK(rows.size() > 5);
  for (const auto& row : rows) {
    INFO(row.dump());
    CHECK(row.at("device") == "cpu");
    CHECK(row.at("passed") == true);
    CHECK(row.at("forward_error") == 0.0);
  }
}

TEST_CASE("scan parity and scan gradcheck on a device this build or machine has no backend for: one clear error") {
  for (const std::string command : {"parity --device cuda:7", "gradcheck --device cuda:9"}) {
    const RunResult run = run_scan(command);
    INFO(run.output);
    CHECK(run.status == 1);
    CHECK(run.output.find("no backend for device cuda:") != std::string::npos);
    CHECK(run.output.find("pass") == std::string::npos);  // stopped before any row
  }
  const RunResult bad = run_scan("parity --device gpu");
  CHECK(bad.status == 1);
  CHECK(bad.output.find("--device: expected cpu, cuda or cuda:<n>, got 'gpu'") != std::string::npos);
}

TEST_CASE("scan bench --small: every workload runs and its JSON holds the times, FLOPs and the sgemm rate") {
  const std::filesystem::path json_path = temp_path("bench.json");
  const RunResult run = run_scan("bench --small --workload step,profile,eval --reps 2 --warmup 1 --threads 1 --json " +
                                 json_path.string());
  INFO(run.output);
  REQUIRE(run.status == 0);
  for (const char* line : {"step: batch 16", "sgemm 256^3", "profile of a step", "backward of gru",
                           "eval: 20 images x 100 captions", "of sgemm"})
    CHECK(run.output.find(line) != std::string::npos);
  std::ifstream in(json_path);
  const nlohmann::json results = nlohmann::json::parse(in);
  std::filesystem::remove(json_path);
  CHECK(results.at("threads") == 1);
  CHECK(results.at("small") == true);
  REQUIRE(results.at("workloads").size() == 3);
  const nlohmann::json& step = results["workloads"][0];
  CHECK(step.at("workload") == "step");
  CHECK(step.at("ours_runs_ms").size() == 2);
  CHECK(step.at("ours_ms").get<double>() > 0);
  CHECK(step.at("sgemm_gflops").get<double>() > 0);
  CHECK(step.at("peak_resident_bytes").get<int64_t>() > 0);
  // GFLOP/s is the FLOPs over the median time.
  CHECK(step.at("ours_gflops").get<double>() ==
        doctest::Approx(step.at("gflop").get<double>() / (step.at("ours_ms").get<double>() / 1e3)));
  const nlohmann::json& profile = results["workloads"][1];
  double sum = 0;
  for (const auto& phase : profile.at("phases_ms").items()) sum += phase.value().get<double>();
  CHECK(profile.at("phases_ms").size() == 8);
  CHECK(sum == doctest::Approx(profile.at("total_ms").get<double>()));
  CHECK(profile.at("backward_ops_ms").contains("gru"));
  const nlohmann::json& eval = results["workloads"][2];
  CHECK(eval.at("images") == 20);
  CHECK(eval.at("captions") == 100);
  CHECK(eval.at("ours_s").get<double>() ==
        doctest::Approx(eval.at("encode_s").get<double>() + eval.at("scores_s").get<double>() +
                        eval.at("recall_s").get<double>()));
}

TEST_CASE("scan bench: a bad workload, baseline style, count or device is one clear error") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bench --small --workload train", "--workload: expected step, profile or eval, got 'train'"},
      {"bench --small --torch fast", "--torch: expected loop or batched, got 'fast'"},
      {"bench --small --reps 0", "--reps must be at least 1"},
      {"bench --small --images 0 --workload eval", "--images: expected at least 1, got 0"},
      {"bench --small --device cuda", "only the CPU is benchmarked so far"},
      {"bench --small --torch_image_shards 0", "--torch_image_shards: expected at least 1, got 0"},
  };
  for (const auto& c : cases) {
    const RunResult run = run_scan(c.first);
    INFO(c.first, "\n", run.output);
    CHECK(run.status == 1);
    CHECK(run.output.find(c.second) != std::string::npos);
  }
}
