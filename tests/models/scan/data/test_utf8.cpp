#include <doctest/doctest.h>

#include <string>

#include "models/scan/data/utf8.h"

using namespace scan;

TEST_CASE("utf8: decoding, invalid bytes and stepping back") {
  const std::string s = "a\xc3\xa9\xe2\x80\x99\xf0\x9f\x98\x80";  // a é ’ 😀
  CHECK(utf8::decode(s, 0).value == U'a');
  CHECK(utf8::decode(s, 1).value == 0xE9);
  CHECK(utf8::decode(s, 1).length == 2);
  CHECK(utf8::decode(s, 3).value == 0x2019);
  CHECK(utf8::decode(s, 6).value == 0x1F600);
  CHECK(utf8::decode(s, 6).length == 4);
  CHECK(utf8::previous_start(s, 10) == 6);
  CHECK(utf8::previous_start(s, 6) == 3);
  CHECK(utf8::previous_start(s, 3) == 1);
  CHECK(utf8::previous_start(s, 1) == 0);
  CHECK(utf8::find_invalid(s) == std::string::npos);
  // A lone continuation byte, a truncated sequence, an overlong '/' and a surrogate are invalid.
  CHECK(utf8::find_invalid("ab\x80") == 2);
  CHECK(utf8::find_invalid("ab\xe2\x80") == 2);
  CHECK(utf8::find_invalid("\xc0\xaf") == 0);
  CHECK(utf8::find_invalid("x\xed\xa0\x80") == 1);
  CHECK(utf8::decode("\x80", 0).value == 0xFFFD);
  CHECK(utf8::decode("\x80", 0).length == 1);
  CHECK(utf8::previous_start("a\x80", 2) == 1);  // a stray byte stands alone
}

TEST_CASE("utf8: the whitespace, word and digit classes of Python's re") {
  for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\v', U'\f', char32_t{0x1C}, char32_t{0x85}, char32_t{0xA0},
                     char32_t{0x2009}, char32_t{0x3000}})
    CHECK(utf8::is_space(c));
  for (char32_t c : {U'a', U'_', U'.', char32_t{0x200B}}) CHECK_FALSE(utf8::is_space(c));
  for (char32_t c : {U'a', U'Z', U'0', U'_', char32_t{0xE9}, char32_t{0xB2}, char32_t{0x4E2D}}) CHECK(utf8::is_word(c));
  for (char32_t c : {U'\'', U'-', U'.', U' ', char32_t{0xA0}, char32_t{0xAB}, char32_t{0x2019}, char32_t{0x2014},
                     char32_t{0x20AC}, char32_t{0x1F600}, char32_t{0xD7}})
    CHECK_FALSE(utf8::is_word(c));
  CHECK(utf8::is_digit(U'7'));
  CHECK_FALSE(utf8::is_digit(U'a'));
}
