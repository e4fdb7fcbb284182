// ctest registers each TEST_CASE by name (doctest_discover_tests in tests/CMakeLists.txt). That
// script keeps the names in CMake lists, where ';' splits a name in two (both halves then match
// no test and "pass" without running anything) and '[' or ']' corrupts the list, so ctest stops
// with "add_test called with incorrect number of arguments". This test keeps such names out.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>

TEST_CASE("test case names are safe for ctest registration") {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  FILE* pipe = popen(("'" + self + "' --list-test-cases --no-version 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string listing;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) listing.append(buffer, n);
  REQUIRE(pclose(pipe) == 0);

  int names = 0;
  std::string bad;
  std::size_t start = 0;
  while (start < listing.size()) {
    std::size_t end = listing.find('\n', start);
    if (end == std::string::npos) end = listing.size();
    const std::string line = listing.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.rfind("[doctest]", 0) == 0 || line.rfind("=====", 0) == 0) continue;
    ++names;
    if (line.find_first_of(";[]") != std::string::npos) bad += "\n  \"" + line + "\"";
  }
  CHECK(names > 10);
  INFO("TEST_CASE names must not contain ';', '[' or ']' (rename these):", bad);
  CHECK(bad.empty());
}
