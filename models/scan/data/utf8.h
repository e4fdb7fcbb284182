#pragma once
// UTF-8 decoding and the character classes of Python's `re` module on str patterns, which the
// NLTK tokenizer rules are written in: \s (str.isspace), \w (alphanumeric or '_'), \d.
// ASCII is classified exactly. For other code points \s is exact (the list is short) while \w is
// approximated: every non-ASCII code point is a word character except those in the punctuation,
// symbol and space blocks listed in utf8.cpp; \d is ASCII digits only. The real SCAN captions are
// ASCII apart from one right single quotation mark, which is classified exactly.
#include <cstddef>
#include <string_view>

namespace scan::utf8 {

struct CodePoint {
  char32_t value;
  std::size_t length;  // bytes, 1..4
};

// Decodes the code point starting at byte `i` (< s.size()). A byte that does not start a valid
// sequence decodes as U+FFFD with length 1, so every byte string can be scanned.
CodePoint decode(std::string_view s, std::size_t i);
// Start of the code point that ends just before byte `i` (0 < i <= s.size()).
std::size_t previous_start(std::string_view s, std::size_t i);
// Byte offset of the first invalid UTF-8 sequence, or npos when `s` is valid.
std::size_t find_invalid(std::string_view s);

bool is_space(char32_t c);  // Python str.isspace()
bool is_word(char32_t c);   // Python re \w
bool is_digit(char32_t c);  // re \d (ASCII digits; see above)

// Convenience: the class of the code point at byte `i`, or of the one ending at byte `i`.
inline bool word_at(std::string_view s, std::size_t i) { return i < s.size() && is_word(decode(s, i).value); }
inline bool word_before(std::string_view s, std::size_t i) {
  return i > 0 && is_word(decode(s, previous_start(s, i)).value);
}
// Length in bytes of the whitespace code point at byte `i`, 0 if there is none.
inline std::size_t space_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  const CodePoint cp = decode(s, i);
  return is_space(cp.value) ? cp.length : 0;
}

}  // namespace scan::utf8
