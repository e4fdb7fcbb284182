#include "tests/fuzz/fuzz_target.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace fuzz {

std::vector<std::string> split_fields(std::string_view text, std::size_t max_fields) {
  std::vector<std::string> fields;
  while (fields.size() + 1 < max_fields) {
    const std::size_t nul = text.find('\0');
    if (nul == std::string_view::npos) break;
    fields.emplace_back(text.substr(0, nul));
    text.remove_prefix(nul + 1);
  }
  fields.emplace_back(text);
  return fields;
}

namespace {

// Removes the input files when the process ends normally.
struct InputFiles {
  std::map<std::string, std::string> paths;  // extension -> path
  ~InputFiles() {
    for (const auto& [extension, path] : paths) std::remove(path.c_str());
  }
};

}  // namespace

const std::string& write_input_file(std::string_view bytes, const std::string& extension) {
  static InputFiles files;
  auto [it, added] = files.paths.try_emplace(extension);
  if (added)
    it->second = (std::filesystem::temp_directory_path() /
                  ("fw_fuzz_input_" + std::to_string(getpid()) + extension))
                     .string();
  std::ofstream out(it->second, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) std::abort();  // the harness itself failed, not the parser
  return it->second;
}

}  // namespace fuzz
