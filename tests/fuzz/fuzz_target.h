#pragma once
// What every fuzz target shares. A target is one function, LLVMFuzzerTestOneInput, that feeds the
// bytes to a parser of outside data. The contract under test: any input is either accepted or
// rejected with fw::Error (a message naming the file); anything else — a crash, a sanitizer report,
// another exception escaping, a hang — is a defect. Built two ways (tests/fuzz/CMakeLists.txt):
// with libFuzzer for `make fuzz`, and with replay_main.cpp, which runs the committed corpus and
// every past crash as part of `make test`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/error.h"

namespace fuzz {

// The input as text (any bytes, not necessarily UTF-8).
inline std::string_view as_text(const uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `parse`; a rejection with fw::Error is an expected outcome, every other exception escapes.
template <typename F>
void expect_accept_or_reject(F&& parse) {
  try {
    parse();
  } catch (const fw::Error&) {
  }
}

// The input split at NUL bytes, for targets whose input is several fields (an argv, metadata).
std::vector<std::string> split_fields(std::string_view text, std::size_t max_fields);

// A file holding the input, for parsers that read from a path; one per process, rewritten by each
// call, and removed at exit.
const std::string& write_input_file(std::string_view bytes, const std::string& extension);

}  // namespace fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);
