#pragma once
// Writing files so that an interrupted run never leaves a half-written file behind: the data
// goes to "<path>.tmp.<pid>", is flushed, then renamed over <path> (atomic on POSIX).
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace fw {

void write_file_atomically(const std::string& path, const std::string& contents);
// Streams into the temporary file through `write`, then renames.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// Removes the temporary files ("<name>.tmp.<pid>") in `folder` that a killed process left: those
// whose pid is no running process. Returns their paths. A missing folder has none.
std::vector<std::string> remove_stale_temporaries(const std::string& folder);

}  // namespace fw
