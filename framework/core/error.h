#pragma once
// One exception type for every user-facing failure of the framework. Messages start with the op
// (or function) that failed, then say what was expected and what was found, e.g.
//   "matmul: inner dimensions differ: a is [2, 3], b is [4, 5] (3 vs 4)".
#include <sstream>
#include <stdexcept>
#include <string>

namespace fw {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

// Throws fw::Error("<op>: <message parts...>") unless `condition` holds.
template <typename... Parts>
void check(bool condition, const char* op, const Parts&... parts) {
  if (!condition) throw Error(detail::concat(op, ": ", parts...));
}

}  // namespace fw
