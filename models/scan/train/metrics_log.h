#pragma once
// The training metrics log: <logger_name>/metrics.jsonl, one JSON object per line, flushed as it
// is written so that a crash loses at most the line being written:
//   {"type":"train","epoch":0,"iteration":10,"loss":51.2,"lr":0.0002,"grad_norm":3.1,"time":0.21}
//   {"type":"val","epoch":0,"iteration":1133,"i2t_r1":..., ..., "rsum":312.4,"ar":...,"ari":...}
// A fresh run starts the file empty. A resumed run keeps the records up to the checkpoint's
// iteration and appends after them, so the file reads as one uninterrupted run: records of an
// interrupted epoch (written after the checkpoint) and a torn last line are dropped.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scan {

class MetricsLog {
 public:
  static constexpr const char* kFileName = "metrics.jsonl";

  // Creates the folder `dir` (and its parents). With resume_iteration < 0 the log starts empty;
  // otherwise records with "iteration" > resume_iteration are dropped and new ones appended.
  explicit MetricsLog(const std::string& dir, int64_t resume_iteration = -1);

  // Appends `record` as one line and flushes.
  void write(const nlohmann::json& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};

// Every record of a metrics.jsonl file, in order; a malformed line is an error naming the file
// and the line number, except a torn (unterminated) last line, which is skipped.
std::vector<nlohmann::json> read_metrics_log(const std::string& path);

}  // namespace scan
