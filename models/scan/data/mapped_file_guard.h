#pragma once
// A memory-mapped file that shrinks while it is mapped (truncated, or rewritten in place by another
// program) makes the next read of a vanished page raise SIGBUS, which kills the process without a
// word. While a mapping is registered here, a SIGBUS inside it prints which file it was and exits
// with status 1 instead; a SIGBUS anywhere else keeps its previous handling.
//   MappedFileGuard guard(map, size, path);   // for the lifetime of the mapping
#include <cstddef>
#include <string>

namespace scan {

class MappedFileGuard {
 public:
  MappedFileGuard() = default;
  MappedFileGuard(const void* begin, std::size_t size, const std::string& path);
  ~MappedFileGuard();
  MappedFileGuard(MappedFileGuard&& other) noexcept;
  MappedFileGuard& operator=(MappedFileGuard&& other) noexcept;
  MappedFileGuard(const MappedFileGuard&) = delete;
  MappedFileGuard& operator=(const MappedFileGuard&) = delete;

 private:
  void release();
  int slot_ = -1;  // index in the process-wide table, or -1
};

}  // namespace scan
