#pragma once
// Reading a `<split>_caps.txt` file: one caption per line, grouped by image (lines 5k..5k+4 belong
// to image k when there are 5 captions per image). Each line is stripped of ASCII whitespace at both
// ends, as the original's `line.strip()` on bytes; the last line may lack its newline. An empty
// caption or a line that is not valid UTF-8 is an error naming the file and the line. A UTF-8
// byte-order mark at the start of the file is dropped (the original reads it into the first word).
#include <string>
#include <vector>

namespace scan {

std::vector<std::string> read_captions(const std::string& path);

}  // namespace scan
