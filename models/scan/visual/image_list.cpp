#include "models/scan/visual/image_list.h"

#include <filesystem>
#include <fstream>

#include "framework/core/error.h"

namespace scan {

std::string image_list_path(const std::string& data_path, const std::string& data_name, const std::string& split) {
  return (std::filesystem::path(data_path) / data_name / (split + "_images.txt")).string();
}

std::vector<std::string> read_image_list(const std::string& path, int64_t expected_images) {
  std::ifstream in(path);
  fw::check(in.good(), "images", "cannot open '", path, "' (the list of the split's pictures, one path per line)");
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::vector<std::string> paths;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    fw::check(!line.empty(), "images", "'", path, "' line ", paths.size() + 1, " is empty; expected a picture's path");
    const std::filesystem::path p(line);
    paths.push_back(p.is_absolute() ? p.string() : (folder / p).string());
  }
  fw::check(static_cast<int64_t>(paths.size()) == expected_images, "images", "'", path, "' lists ", paths.size(),
            " pictures but the split has ", expected_images, " images (one line per image row)");
  return paths;
}

}  // namespace scan
