#include "models/scan/data/captions.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "framework/core/error.h"
#include "models/scan/data/utf8.h"

namespace scan {

namespace {

// Python's bytes.strip(): ASCII whitespace.
std::string_view strip(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  const std::size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

std::vector<std::string> read_captions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  fw::check(in.good(), "read_captions", "cannot open '", path, "': ", std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  std::vector<std::string> captions;
  // A UTF-8 byte-order mark (written by some editors) is not part of the first caption: the
  // original would read it into the first word, which then becomes <unk>.
  std::size_t begin = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (int64_t line = 1; begin < text.size(); ++line) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view caption = strip(std::string_view(text).substr(begin, end - begin));
    fw::check(!caption.empty(), "read_captions", "'", path, "' line ", line,
              ": empty caption (expected one non-empty caption per line)");
    const std::size_t bad = utf8::find_invalid(caption);
    fw::check(bad == std::string_view::npos, "read_captions", "'", path, "' line ", line,
              ": invalid UTF-8 at byte ", bad + 1, " of the caption");
    captions.emplace_back(caption);
    begin = end + 1;
  }
  return captions;
}

}  // namespace scan
