#include "models/scan/data/utf8.h"

namespace scan::utf8 {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

CodePoint decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length;
  char32_t value, minimum;
  if ((b0 & 0xE0) == 0xC0) length = 2, value = b0 & 0x1F, minimum = 0x80;
  else if ((b0 & 0xF0) == 0xE0) length = 3, value = b0 & 0x0F, minimum = 0x800;
  else if ((b0 & 0xF8) == 0xF0) length = 4, value = b0 & 0x07, minimum = 0x10000;
  else return {kReplacement, 1};
  if (i + length > s.size()) return {kReplacement, 1};
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (!continuation(b)) return {kReplacement, 1};
    value = (value << 6) | (b & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {kReplacement, 1};
  return {value, length};
}

std::size_t previous_start(std::string_view s, std::size_t i) {
  // Step back over at most three continuation bytes, then check that the sequence found there
  // really ends at i; otherwise the byte before i stands alone (it decodes as U+FFFD).
  std::size_t start = i - 1;
  while (start > 0 && i - start < 4 && continuation(static_cast<unsigned char>(s[start]))) --start;
  return start + decode(s, start).length == i ? start : i - 1;
}

std::size_t find_invalid(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const CodePoint cp = decode(s, i);
    if (cp.value == kReplacement && cp.length == 1 && static_cast<unsigned char>(s[i]) >= 0x80) return i;
    i += cp.length;
  }
  return std::string_view::npos;
}

bool is_space(char32_t c) {
  // The code points for which CPython's Py_UNICODE_ISSPACE is true.
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

bool is_word(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
  // Latin-1 supplement: letters, and the numeric ª ² ³ µ ¹ º ¼ ½ ¾ are alphanumeric.
  if (c < 0xC0) return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
                       (c >= 0xBC && c <= 0xBE);
  if (c == 0xD7 || c == 0xF7) return false;  // × ÷
  if (is_space(c)) return false;
  // Punctuation and symbol blocks: general punctuation, currency, arrows, mathematical operators,
  // technical, box drawing, shapes, miscellaneous symbols, dingbats, CJK punctuation, half/full-width
  // forms punctuation, and the emoji/pictograph planes.
  if (c >= 0x2010 && c <= 0x2027) return false;
  if (c >= 0x2030 && c <= 0x205E) return false;
  if (c >= 0x20A0 && c <= 0x20CF) return false;
  if (c >= 0x2190 && c <= 0x23FF) return false;
  if (c >= 0x2500 && c <= 0x2775) return false;
  if (c >= 0x2794 && c <= 0x2BFF) return false;
  if (c >= 0x3001 && c <= 0x3004) return false;
  if (c >= 0x3008 && c <= 0x3020) return false;
  if (c >= 0xFE30 && c <= 0xFE6F) return false;
  if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
      (c >= 0xFF5B && c <= 0xFF65))
    return false;
  if (c >= 0x1F000 && c <= 0x1FAFF) return false;
  if (c == kReplacement) return false;
  return true;
}

}  // namespace scan::utf8
