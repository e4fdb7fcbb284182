#include <doctest/doctest.h>

#include "framework/core/error.h"
#include "models/scan/data/captions.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::Error;
using scan_test::TempDir;
using Lines = std::vector<std::string>;

TEST_CASE("captions: one stripped caption per line, last newline optional") {
  TempDir dir;
  scan_test::write_bytes(dir.file("a.txt"), "  A dog runs .\r\n\tTwo cats\x0b\nlast one");
  CHECK(read_captions(dir.file("a.txt")) == Lines{"A dog runs .", "Two cats", "last one"});
  scan_test::write_bytes(dir.file("b.txt"), "first\nsecond\n");
  CHECK(read_captions(dir.file("b.txt")) == Lines{"first", "second"});
  scan_test::write_bytes(dir.file("c.txt"), "caf\xc3\xa9 \xe2\x80\x99s\n");
  CHECK(read_captions(dir.file("c.txt")) == Lines{"caf\xc3\xa9 \xe2\x80\x99s"});
  scan_test::write_bytes(dir.file("empty.txt"), "");
  CHECK(read_captions(dir.file("empty.txt")).empty());
  // A UTF-8 byte-order mark is dropped, not read into the first word.
  scan_test::write_bytes(dir.file("bom.txt"), "\xEF\xBB\xBF" "A dog .\nA cat .\n");
  CHECK(read_captions(dir.file("bom.txt")) == Lines{"A dog .", "A cat ."});
}

TEST_CASE("captions: errors name the file and line") {
  TempDir dir;
  const std::string missing = "read_captions: cannot open '" + dir.file("none.txt") + "'";
  CHECK_THROWS_WITH_AS(read_captions(dir.file("none.txt")), doctest::Contains(missing.c_str()), Error);
  scan_test::write_bytes(dir.file("blank.txt"), "one\n   \nthree\n");
  CHECK_THROWS_WITH_AS(read_captions(dir.file("blank.txt")),
                       doctest::Contains("blank.txt' line 2: empty caption"), Error);
  scan_test::write_bytes(dir.file("trailing.txt"), "one\ntwo\n\n");
  CHECK_THROWS_WITH_AS(read_captions(dir.file("trailing.txt")),
                       doctest::Contains("trailing.txt' line 3: empty caption"), Error);
  scan_test::write_bytes(dir.file("latin1.txt"), "ok\ncaf\xe9 au lait\n");
  CHECK_THROWS_WITH_AS(read_captions(dir.file("latin1.txt")),
                       doctest::Contains("latin1.txt' line 2: invalid UTF-8 at byte 4 of the caption"), Error);
}
