#pragma once
// Reading the PyTorch reference fixtures of tests/fixtures/ (written by tools/make_fixtures.py).
// Numbers are stored as doubles; a float32 value is stored as the double equal to it, so casting
// back with .to(Float32) is exact.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/core/tensor.h"

namespace fw::testing {

// The parsed fixture; a missing or unreadable file fails the test with the command that makes it.
inline nlohmann::json load_fixture(const std::string& name) {
  const std::string path = std::string(SCAN_SOURCE_DIR) + "/tests/fixtures/" + name;
  std::ifstream file(path);
  if (!file.good()) {
    const std::string message =
        "fixture " + path + " is missing: regenerate it with `/usr/bin/python3 tools/make_fixtures.py`";
    FAIL(message);  // throws: the test case stops here
  }
  return nlohmann::json::parse(file);
}

inline Tensor json_tensor(const nlohmann::json& values, const Shape& shape, DType dtype) {
  return Tensor::from_vector<double>(values.get<std::vector<double>>(), shape).to(dtype);
}

// The largest |got − expected| / max(1, |expected|) over the elements.
inline double worst_difference(const std::vector<double>& got, const std::vector<double>& expected) {
  REQUIRE(got.size() == expected.size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - expected[i]) / std::max(1.0, std::abs(expected[i])));
  return worst;
}

// |got − expected| ≤ tolerance · max(1, |expected|) for every element.
inline void check_close(const Tensor& got, const nlohmann::json& expected, double tolerance, const std::string& what) {
  INFO(what);
  REQUIRE(got.defined());
  const double worst = worst_difference(got.to_vector<double>(), expected.get<std::vector<double>>());
  INFO("worst difference ", worst, ", tolerance ", tolerance);
  CHECK(worst <= tolerance);
}

}  // namespace fw::testing
