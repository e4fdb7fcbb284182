// The layering rule of docs/architecture.md, checked on every source file: a file includes
// headers of its own folder and of the layers below it only, and a device backend (framework/cpu,
// framework/cuda) is included by nothing but framework/devices, which picks the backend of each device.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

// Lower first. Folders of equal rank do not include each other.
const std::map<std::string, int> kRank = {
    {"framework/core", 0},    {"framework/backend", 1}, {"framework/cpu", 2},  {"framework/cuda", 2},
    {"framework/devices", 3},
    {"framework/autograd", 4}, {"framework/ops", 5},     {"framework/nn", 6},   {"framework/optim", 6},
    {"framework/io", 7},       {"framework/testing", 8}, {"models/scan", 9},    {"tools/scan", 10},
};

// "framework/ops" for "framework/ops/elementwise.h"; empty when not a layer of kRank.
std::string layer_of(const std::string& path) {
  for (const auto& [layer, rank] : kRank)
    if (path.rfind(layer + "/", 0) == 0) return layer;
  return "";
}

bool may_include(const std::string& from, const std::string& to) {
  if (from == to) return true;
  // Only the device table names a backend.
  if (to == "framework/cpu" || to == "framework/cuda") return from == "framework/devices";
  return kRank.at(to) < kRank.at(from);
}

}  // namespace

TEST_CASE("every source file includes only its own layer and the layers below it") {
  const fs::path root = SCAN_SOURCE_DIR;
  const std::regex include(R"(^\s*#\s*include\s+"([^"]+)\")");
  int files = 0;
  std::string violations;
  for (const std::string top : {"framework", "models", "tools"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp" && ext != ".cu")) continue;
      const std::string path = fs::relative(entry.path(), root).generic_string();
      const std::string from = layer_of(path);
      if (from.empty()) continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        std::smatch m;
        if (!std::regex_search(line, m, include)) continue;
        const std::string to = layer_of(m[1].str());
        if (!to.empty() && !may_include(from, to))
          violations += "\n  " + path + ":" + std::to_string(number) + " includes " + m[1].str();
      }
    }
  }
  CHECK(files > 100);
  INFO("includes against the layering of docs/architecture.md:", violations);
  CHECK(violations.empty());
}

TEST_CASE("the layering check sees a violation") {
  CHECK_FALSE(may_include("framework/core", "framework/autograd"));
  CHECK_FALSE(may_include("framework/ops", "framework/cpu"));
  CHECK_FALSE(may_include("framework/ops", "framework/cuda"));
  CHECK_FALSE(may_include("framework/cuda", "framework/cpu"));  // equal ranks
  CHECK_FALSE(may_include("framework/nn", "framework/optim"));
  CHECK(may_include("framework/devices", "framework/cpu"));
  CHECK(may_include("framework/ops", "framework/devices"));
  CHECK(layer_of("framework/ops/elementwise.h") == "framework/ops");
  CHECK(layer_of("tests/support/json_fixture.h").empty());
}
