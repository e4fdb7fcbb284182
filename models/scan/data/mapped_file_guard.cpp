#include "models/scan/data/mapped_file_guard.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace scan {

namespace {

// The table is read by the signal handler, so it is fixed-size and lock-free to read: a slot is
// live while `begin` is non-null. Registration takes a mutex (never held by the handler).
struct Region {
  std::atomic<const char*> begin{nullptr};
  std::atomic<std::size_t> size{0};
  char path[1024] = {};
};
constexpr int kSlots = 64;
Region regions[kSlots];
std::mutex table_mutex;
struct sigaction previous_action {};

void write_text(const char* text) {
  for (std::size_t left = std::strlen(text); left > 0;) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
  const char* address = static_cast<const char*>(info->si_addr);
  for (Region& region : regions) {
    const char* begin = region.begin.load();
    if (begin != nullptr && address >= begin && address < begin + region.size.load()) {
      write_text("error: '");
      write_text(region.path);
      write_text("' became shorter while it was being read (truncated or rewritten by another program?); "
                 "stopped. Restore the file, then resume from the last checkpoint.\n");
      ::_exit(1);
    }
  }
  // Not one of ours: whatever handled SIGBUS before.
  if (previous_action.sa_flags & SA_SIGINFO) {
    if (previous_action.sa_sigaction) return previous_action.sa_sigaction(signal, info, context);
  } else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
    return previous_action.sa_handler(signal);
  }
  ::signal(SIGBUS, SIG_DFL);
  ::raise(SIGBUS);
}

void install_handler_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous_action);
  });
}

}  // namespace

MappedFileGuard::MappedFileGuard(const void* begin, std::size_t size, const std::string& path) {
  install_handler_once();
  std::lock_guard<std::mutex> lock(table_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (regions[i].begin.load() != nullptr) continue;
    std::strncpy(regions[i].path, path.c_str(), sizeof regions[i].path - 1);
    regions[i].size.store(size);
    regions[i].begin.store(static_cast<const char*>(begin));
    slot_ = i;
    return;
  }
  // More than kSlots mappings at once: this one is simply not guarded.
}

MappedFileGuard::~MappedFileGuard() { release(); }

void MappedFileGuard::release() {
  if (slot_ < 0) return;
  std::lock_guard<std::mutex> lock(table_mutex);
  regions[slot_].begin.store(nullptr);
  slot_ = -1;
}

MappedFileGuard::MappedFileGuard(MappedFileGuard&& other) noexcept : slot_(other.slot_) { other.slot_ = -1; }

MappedFileGuard& MappedFileGuard::operator=(MappedFileGuard&& other) noexcept {
  if (this != &other) {
    release();
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

}  // namespace scan
