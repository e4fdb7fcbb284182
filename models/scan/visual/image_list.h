#pragma once
// Where a split's pictures are: {split}_images.txt beside its features, one path per line, line k
// for image row k; a relative path is relative to the folder holding the list. The original
// release has no pictures: the list is optional, and the tools that draw them say when it is
// missing.
//   std::vector<std::string> paths = read_image_list("data/pictures_precomp/test_images.txt", 100);
#include <cstdint>
#include <string>
#include <vector>

namespace scan {

// "<data_path>/<data_name>/<split>_images.txt"
std::string image_list_path(const std::string& data_path, const std::string& data_name, const std::string& split);

// The paths, resolved against the list's folder. fw::Error naming the file when it cannot be read,
// a line is empty, or it has another number of lines than `expected_images`.
std::vector<std::string> read_image_list(const std::string& path, int64_t expected_images);

}  // namespace scan
