// The JSON-lines metrics log: fresh start, append on resume, and reading it back.
#include <doctest/doctest.h>

#include <filesystem>

#include "framework/core/error.h"
#include "models/scan/train/metrics_log.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

nlohmann::json train_record(int64_t iteration) {
  return {{"type", "train"}, {"epoch", 0}, {"iteration", iteration}, {"loss", 0.5 + iteration}};
}

}  // namespace

TEST_CASE("MetricsLog creates its folder, writes one object per line and starts fresh") {
  scan_test::TempDir dir;
  const std::string folder = dir.file("a/b");
  {
    scan::MetricsLog log(folder);
    CHECK(log.path() == folder + "/metrics.jsonl");
    log.write(train_record(1));
    log.write(train_record(2));
    // Flushed as written: readable while the log is open.
    CHECK(scan_test::read_bytes(log.path()) ==
          "{\"epoch\":0,\"iteration\":1,\"loss\":1.5,\"type\":\"train\"}\n"
          "{\"epoch\":0,\"iteration\":2,\"loss\":2.5,\"type\":\"train\"}\n");
  }
  scan::MetricsLog fresh(folder);  // a new run replaces the old log
  fresh.write(train_record(7));
  const std::vector<nlohmann::json> records = scan::read_metrics_log(fresh.path());
  REQUIRE(records.size() == 1);
  CHECK(records[0] == train_record(7));
}

TEST_CASE("MetricsLog on resume keeps records up to the checkpoint's iteration, drops the rest and a torn line") {
  scan_test::TempDir dir;
  const std::string path = dir.file("metrics.jsonl");
  std::string text;
  for (int64_t i = 1; i <= 5; ++i) text += train_record(i).dump() + "\n";
  text += R"({"type":"val","epoch":0,"iteration":3,"rsum":1.0})" "\n";
  scan_test::write_bytes(path, text + R"({"type":"tra)");
  {
    scan::MetricsLog log(dir.str(), /*resume_iteration=*/3);
    log.write(train_record(4));
  }
  const std::vector<nlohmann::json> records = scan::read_metrics_log(path);
  REQUIRE(records.size() == 5);
  for (int64_t i = 0; i < 3; ++i) CHECK(records[i] == train_record(i + 1));
  CHECK(records[3].at("type") == "val");
  CHECK(records[4] == train_record(4));
}

TEST_CASE("MetricsLog on resume without an earlier log starts one") {
  scan_test::TempDir dir;
  scan::MetricsLog log(dir.str(), 10);
  log.write(train_record(11));
  CHECK(scan::read_metrics_log(log.path()).size() == 1);
}

TEST_CASE("read_metrics_log names the file and line of a malformed record") {
  scan_test::TempDir dir;
  const std::string path = dir.file("metrics.jsonl");
  scan_test::write_bytes(path, train_record(1).dump() + "\nnot json\n" + train_record(2).dump() + "\n");
  CHECK_THROWS_WITH_AS(scan::read_metrics_log(path),
                       ("metrics log: '" + path + "' line 2: expected one JSON object, found 'not json'").c_str(),
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::read_metrics_log(dir.file("none.jsonl")), doctest::Contains("cannot read"), fw::Error);
}
