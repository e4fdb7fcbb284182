// Runs a fuzz target on files instead of under libFuzzer: every file named, and every file under a
// folder named, once. The corpus and the regressions (past crashes) run this way in `make test`,
// with whatever compiler and sanitizers the build uses.
//   fuzz_replay_npy tests/fuzz/corpus/npy tests/fuzz/regressions/npy
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "tests/fuzz/fuzz_target.h"

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (std::filesystem::is_regular_file(arg)) {
      files.push_back(arg);
    } else if (std::filesystem::exists(arg)) {
      std::cerr << arg << ": not a file or a folder\n";
      return 1;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::cerr << "no inputs under the paths given\n";
    return 1;
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) {
      std::cerr << file << ": cannot read\n";
      return 1;
    }
    std::cout << file.string() << "\n" << std::flush;  // the last one printed is the culprit of a crash
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << files.size() << " inputs, all accepted or rejected with a message\n";
  return 0;
}
