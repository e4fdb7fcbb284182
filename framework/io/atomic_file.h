#pragma once
// Writing files so that an interrupted run never leaves a half-written file behind: the data
// goes to "<path>.tmp.<pid>", is flushed, then renamed over <path> (atomic on POSIX).
#include <functional>
#include <ostream>
#include <string>

namespace fw {

void write_file_atomically(const std::string& path, const std::string& contents);
// Streams into the temporary file through `write`, then renames.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace fw
