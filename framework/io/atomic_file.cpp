#include "framework/io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "framework/core/error.h"

namespace fw {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    check(out.good(), "write", "cannot open '", temp, "' for writing: ", std::strerror(errno));
    write(out);
    out.flush();
    if (!out.good()) {
      std::remove(temp.c_str());
      throw Error("write: failed while writing '" + temp + "' (disk full?)");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw Error("write: cannot rename '" + temp + "' to '" + path + "': " + reason);
  }
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  write_file_atomically(path, [&](std::ostream& out) { out.write(contents.data(), contents.size()); });
}

}  // namespace fw
