#pragma once
// Helpers for the data pipeline tests: temporary folders, byte files, the real-data folder,
// a python3 with numpy for interoperability checks, and tiny synthetic datasets on disk.
#include <doctest/doctest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/data/npy.h"

#include "models/scan/data/vocab.h"

namespace scan_test {

namespace fs = std::filesystem;

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("scan_data_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string source_dir() { return SCAN_SOURCE_DIR; }

// The real caption files and vocabularies of the original release, copied into the repository
// (tests/data/real/README.md says where they come from).
inline std::string real_data_dir() {
  const std::string dir = (fs::path(SCAN_SOURCE_DIR) / "tests" / "data" / "real").string();
  REQUIRE_MESSAGE(fs::is_directory(dir), "the real SCAN caption files are expected in " << dir);
  return dir;
}

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) result.output.append(buffer.data(), n);
  result.status = ::pclose(pipe);
  return result;
}

// A python3 that can import numpy: $SCAN_PYTHON, then the system's /usr/bin/python3 (where Debian's
// python3-numpy lives), then python3 on the PATH. Fails the test with instructions if there is
// none: the interoperability checks must not pass silently.
inline std::string python_with_numpy() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("SCAN_PYTHON")) candidates.emplace_back(env);
  candidates.insert(candidates.end(), {"/usr/bin/python3", "python3"});
  for (const std::string& python : candidates)
    if (run_command(python + " -c 'import numpy'").status == 0) return python;
  FAIL("no python3 with numpy found (tried $SCAN_PYTHON, python3, /usr/bin/python3); install python3-numpy "
       "(apt-get install python3-numpy) or point SCAN_PYTHON at a python3 that has numpy");
  return {};
}

// Runs `python -c <script>` with `args`; the script's output is returned, a failure fails the test.
inline std::string run_python(const std::string& python, const std::string& script, const std::vector<std::string>& args) {
  TempDir dir;
  const std::string file = dir.file("script.py");
  write_bytes(file, script);
  std::string command = python + " " + file;
  for (const std::string& arg : args) command += " '" + arg + "'";
  const CommandResult result = run_command(command);
  REQUIRE_MESSAGE(result.status == 0, "python failed: " << command << "\n" << result.output);
  return result.output;
}

// Writes <root>/<name>/<split>_ims.npy and <split>_caps.txt.
inline void write_split(const std::string& root, const std::string& name, const std::string& split,
                        const fw::Tensor& features, const std::vector<std::string>& captions) {
  const fs::path folder = fs::path(root) / name;
  fs::create_directories(folder);
  scan::save_npy((folder / (split + "_ims.npy")).string(), features);
  std::string text;
  for (const std::string& caption : captions) text += caption + "\n";
  write_bytes((folder / (split + "_caps.txt")).string(), text);
}

// Features whose value encodes its position: row r, region k, dim d holds r + k / 100 + d / 10000.
inline fw::Tensor numbered_features(int64_t rows, int64_t regions, int64_t dim) {
  std::vector<float> values;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < regions; ++k)
      for (int64_t d = 0; d < dim; ++d) values.push_back(static_cast<float>(r + k / 100.0 + d / 10000.0));
  return fw::Tensor::from_vector(values, {rows, regions, dim});
}

// Caption i of a toy split: "dog" repeated i % 3 + 1 times, then "." (so i % 3 + 4 ids with
// <start> and <end>).
inline std::vector<std::string> toy_captions(int64_t n) {
  std::vector<std::string> captions;
  for (int64_t i = 0; i < n; ++i) {
    std::string caption;
    for (int64_t k = 0; k <= i % 3; ++k) caption += "Dog ";
    captions.push_back(caption + ".");
  }
  return captions;
}

// The vocabulary of the toy captions: the four specials, then "dog" (4) and "." (5).
inline scan::Vocabulary toy_vocab() {
  scan::Vocabulary v;
  v.add("dog");
  v.add(".");
  return v;
}

}  // namespace scan_test
