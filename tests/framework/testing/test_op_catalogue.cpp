// Every case of the op catalogue (with SCAN's own cases) is run by the test suite: each belongs to a family that some
// test file checks with check_catalogue_family("<prefix>") (read from the test sources, so a new
// family without a test, or a case under a misspelt prefix, fails here).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "models/scan/testing/scan_catalogue.h"

namespace fs = std::filesystem;

TEST_CASE("every op catalogue case belongs to a family the test suite checks") {
  std::set<std::string> prefixes;
  const std::regex call(R"re(check_catalogue_family\("([^"]+)"\))re");
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SCAN_SOURCE_DIR) / "tests")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), call), end; it != end; ++it)
      prefixes.insert((*it)[1].str());
  }
  CHECK(prefixes.size() >= 10);
  std::string unchecked;
  int cases = 0;
  for (const auto& c : scan::scan_catalogue()) {
    ++cases;
    bool covered = false;
    for (const std::string& prefix : prefixes) covered = covered || c.name.rfind(prefix, 0) == 0;
    if (!covered) unchecked += "\n  " + c.name;
  }
  CHECK(cases > 100);
  INFO("catalogue cases that no check_catalogue_family(...) call of the tests runs:", unchecked);
  CHECK(unchecked.empty());
}
