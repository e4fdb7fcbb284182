#include "models/scan/train/metrics_log.h"

#include <filesystem>
#include <sstream>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace scan {

namespace {

constexpr const char* kOp = "metrics log";

// Keeps the records of a resumed run's history: those up to the checkpoint's iteration.
void truncate_after(const std::string& path, int64_t iteration) {
  if (!std::filesystem::exists(path)) return;
  std::string kept;
  for (const nlohmann::json& record : read_metrics_log(path))
    if (record.value("iteration", int64_t{0}) <= iteration) kept += record.dump() + "\n";
  fw::write_file_atomically(path, kept);
}

}  // namespace

MetricsLog::MetricsLog(const std::string& dir, int64_t resume_iteration)
    : path_((std::filesystem::path(dir) / kFileName).string()) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  fw::check(!error, kOp, "cannot create the folder '", dir, "' (--logger_name): ", error.message());
  if (resume_iteration >= 0) {
    truncate_after(path_, resume_iteration);
    out_.open(path_, std::ios::binary | std::ios::app);
  } else {
    out_.open(path_, std::ios::binary | std::ios::trunc);
  }
  fw::check(out_.good(), kOp, "cannot open '", path_, "' for writing");
}

void MetricsLog::write(const nlohmann::json& record) {
  out_ << record.dump() << '\n';
  out_.flush();
  fw::check(out_.good(), kOp, "failed while writing '", path_, "' (disk full?)");
}

std::vector<nlohmann::json> read_metrics_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  fw::check(in.good(), kOp, "cannot read '", path, "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  std::vector<nlohmann::json> records;
  std::size_t begin = 0;
  for (int64_t line = 1; begin < text.size(); ++line) {
    const std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) break;  // a torn last line: the run stopped while writing it
    const std::string_view content(text.data() + begin, end - begin);
    begin = end + 1;
    if (content.empty()) continue;
    nlohmann::json record = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
    fw::check(record.is_object(), kOp, "'", path, "' line ", line, ": expected one JSON object, found '",
              std::string(content.substr(0, 80)), "'");
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace scan
