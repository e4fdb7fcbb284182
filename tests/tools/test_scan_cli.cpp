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

TEST_CASE("scan parity and scan gradcheck on a device this build has no backend for: one clear error") {
  for (const std::string command : {"parity --device cuda", "gradcheck --device cuda:1"}) {
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
