#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "framework/core/error.h"
#include "models/scan/data/npy.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::DType;
using fw::Error;
using fw::Shape;
using fw::Tensor;
using scan_test::TempDir;

namespace {

template <typename T>
std::string raw_bytes(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// A .npy file assembled byte by byte: magic, version, little-endian header length, dict, data.
std::string npy_file(int major, const std::string& dict, const std::string& data, int minor = 0) {
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(static_cast<char>(minor));
  const std::size_t width = major == 1 ? 2 : 4;
  for (std::size_t k = 0; k < width; ++k) out.push_back(static_cast<char>((dict.size() >> (8 * k)) & 0xFF));
  return out + dict + data;
}

const std::string kDict23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
const std::vector<float> kValues23 = {1.5f, -2.f, 3.25f, 4.f, 5.5f, -6.75f};

std::string write_npy(const TempDir& dir, const std::string& bytes, const std::string& name = "a.npy") {
  const std::string path = dir.file(name);
  scan_test::write_bytes(path, bytes);
  return path;
}

}  // namespace

TEST_CASE("npy: reads version 1.0, 2.0 and 3.0 headers built byte by byte") {
  TempDir dir;
  for (int major : {1, 2, 3}) {
    CAPTURE(major);
    const NpyArray a(write_npy(dir, npy_file(major, kDict23, raw_bytes(kValues23))));
    CHECK(a.format_major() == major);
    CHECK(a.shape() == Shape{2, 3});
    CHECK(a.dtype() == DType::Float32);
    CHECK(a.rows() == 2);
    CHECK(a.row_numel() == 3);
    CHECK(a.numel() == 6);
    // Data starts right after the unpadded header: 10 + 60 bytes (v1) or 12 + 60 (v2, v3), so the
    // float pointer is aligned only by accident; copy_row works at any offset.
    std::vector<float> row1(3);
    a.copy_row(1, row1.data());
    CHECK(row1 == std::vector<float>{4.f, 5.5f, -6.75f});
    CHECK(a.read_rows(0, 2).to_vector<float>() == kValues23);
  }
}

TEST_CASE("npy: header dict variants numpy accepts") {
  TempDir dir;
  const std::string data = raw_bytes(std::vector<float>{1, 2, 3, 4});
  const std::vector<std::pair<std::string, Shape>> variants = {
      {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (4,)}", {4}},  // double quotes, no trailing comma
      {"{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}   \n", {2, 2}},  // any key order
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }\n", {2, 2}},  // Python 2 longs
      {"{ 'descr' : '<f4' ,'fortran_order':False,'shape':( 1 , 4 , ) , }\n", {1, 4}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 4), }\n", {1, 1, 4}},
  };
  for (const auto& item : variants) {
    const auto& dict = item.first;
    const auto& shape = item.second;
    CAPTURE(dict);
    const NpyArray a(write_npy(dir, npy_file(1, dict, data)));
    CHECK(a.shape() == shape);
    CHECK(a.read_rows(0, a.rows()).to_vector<float>() == std::vector<float>{1, 2, 3, 4});
  }
  // A 0-d array holds one value and has no rows.
  const NpyArray scalar(write_npy(dir, npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n",
                                                raw_bytes(std::vector<float>{7}))));
  CHECK(scalar.shape().empty());
  CHECK(scalar.numel() == 1);
  CHECK_THROWS_WITH_AS(scalar.rows(), doctest::Contains("0-d array"), Error);
  // An empty array is valid.
  const NpyArray empty(write_npy(dir, npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }\n", "")));
  CHECK(empty.rows() == 0);
  CHECK(empty.first_non_finite_row() == -1);
}

TEST_CASE("npy: float64 rows, in place and converted") {
  TempDir dir;
  const std::vector<double> values = {0.1, 0.2, 0.3, 1e300, -2.5, 3.0};
  // Pad the dict so that the data starts at byte 128 and the double pointer is aligned.
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";
  dict.append(128 - 10 - dict.size() - 1, ' ');
  dict += "\n";
  const NpyArray a(write_npy(dir, npy_file(1, dict, raw_bytes(values))));
  CHECK(a.dtype() == DType::Float64);
  const double* row2 = a.row<double>(2);
  CHECK(row2[0] == -2.5);
  CHECK(row2[1] == 3.0);
  std::vector<float> converted(2);
  a.copy_row(0, converted.data());
  CHECK(converted == std::vector<float>{0.1f, 0.2f});
  CHECK(a.read_rows(1, 3, DType::Float64).to_vector<double>() == std::vector<double>{0.3, 1e300, -2.5, 3.0});
  const Tensor as_float = a.read_rows(1, 2);
  CHECK(as_float.dtype() == DType::Float32);
  CHECK(as_float.shape() == Shape{1, 2});
  CHECK(std::isinf(as_float.to_vector<float>()[1]));  // 1e300 does not fit a float
  CHECK_THROWS_WITH_AS(a.row<float>(0), doctest::Contains("holds float64, the row was requested as float32"), Error);
  CHECK_THROWS_WITH_AS(a.row<double>(3), doctest::Contains("row 3 is out of range"), Error);
  CHECK_THROWS_WITH_AS(a.read_rows(2, 4), doctest::Contains("rows [2, 4) are out of range"), Error);
}

TEST_CASE("npy: an array of empty rows reads as empty rows") {
  // shape (2, 0): two rows of no values; copying one into an empty (null) buffer copies nothing.
  TempDir dir;
  const NpyArray a(write_npy(dir, npy_file(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 0), }\n", "")));
  CHECK(a.rows() == 2);
  CHECK(a.row_numel() == 0);
  std::vector<double> none;
  a.copy_row(1, none.data());
  std::vector<float> none_converted;
  a.copy_row(0, none_converted.data());
  const Tensor rows = a.read_rows(0, 2);
  CHECK(rows.shape() == Shape{2, 0});
  CHECK(a.first_non_finite_row() == -1);
}

TEST_CASE("npy: errors name the file and say what was expected and found") {
  TempDir dir;
  const std::string data = raw_bytes(kValues23);
  auto open = [&](const std::string& bytes) { return NpyArray(write_npy(dir, bytes, "bad.npy")); };

  CHECK_THROWS_WITH_AS(NpyArray(dir.file("missing.npy")),
                       doctest::Contains("missing.npy': cannot open: No such file or directory"), Error);
  CHECK_THROWS_WITH_AS(open(""), doctest::Contains("bad.npy': cannot read: the file is empty"), Error);
  CHECK_THROWS_WITH_AS(open("PK\x03\x04 a zip file"), doctest::Contains("not a .npy file"), Error);
  CHECK_THROWS_WITH_AS(open("\x93NUMPY\x01"), doctest::Contains("truncated header"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, kDict23, data).substr(0, 40)),
                       doctest::Contains("truncated header: the header length says 60 bytes but only 30 follow"),
                       Error);
  CHECK_THROWS_WITH_AS(open(npy_file(4, kDict23, data)),
                       doctest::Contains("unsupported .npy format version 4.0; expected 1.0, 2.0 or 3.0"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, kDict23, data, 1)), doctest::Contains("version 1.1"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr' '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", data)),
                       doctest::Contains("malformed header dict: expected ':'"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n", data)),
                       doctest::Contains("malformed header dict: expected a non-negative integer"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '<f4', 'fortran_order': False}\n", data)),
                       doctest::Contains("header dict has no 'shape' key"), Error);
  CHECK_THROWS_WITH_AS(
      open(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}\n", data)),
      doctest::Contains("unexpected key 'extra'"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }\n", data)),
                       doctest::Contains("bad.npy': unsupported dtype '|u1'; expected '<f4' (float32) or '<f8' (float64)"),
                       Error);
  CHECK_THROWS_WITH_AS(
      open(npy_file(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }\n", data)),
      doctest::Contains("unsupported dtype [('a', '<f4')]"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", data)),
                       doctest::Contains("dtype '>f4' is big-endian"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", data)),
                       doctest::Contains("Fortran order"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }\n", data)),
                       doctest::Contains("'fortran_order' must be True or False, found 0"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }\n", data)),
                       doctest::Contains("'shape' must be a tuple of integers, found [2, 3]"), Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, kDict23, data.substr(0, 20))),
                       doctest::Contains("truncated file: shape [2, 3] of float32 needs 24 data bytes after the "
                                         "70-byte header, found 20"),
                       Error);
  CHECK_THROWS_WITH_AS(open(npy_file(1, kDict23, data + "xx")),
                       doctest::Contains("unexpected trailing bytes: shape [2, 3] of float32 needs 24 data bytes"),
                       Error);
}

TEST_CASE("npy: save_npy writes numpy's version 1.0 layout, data aligned to 64 bytes") {
  TempDir dir;
  const std::string path = dir.file("out.npy");
  save_npy(path, Tensor::from_vector(kValues23, {2, 3}));
  const std::string bytes = scan_test::read_bytes(path);
  // 10-byte preamble + 59-byte dict + 20 spare spaces (21 - len("2")) + 38 padding + '\n' = 128.
  REQUIRE(bytes.size() == 128 + 24);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  CHECK(static_cast<unsigned char>(bytes[8]) == 118);
  CHECK(bytes[9] == 0);
  CHECK(bytes.substr(10, 59) == "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  CHECK(bytes.substr(69, 58) == std::string(58, ' '));
  CHECK(bytes[127] == '\n');
  CHECK(bytes.substr(128) == raw_bytes(kValues23));

  const NpyArray back(path);
  CHECK(back.shape() == Shape{2, 3});
  CHECK(back.row<float>(1)[2] == -6.75f);  // aligned: the pointer can be used directly

  // Non-contiguous float64 input is written in C order of its logical shape.
  const Tensor t = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}).transpose(0, 1);
  save_npy(dir.file("t.npy"), t);
  const NpyArray back_t(dir.file("t.npy"));
  CHECK(back_t.dtype() == DType::Float64);
  CHECK(back_t.shape() == Shape{3, 2});
  CHECK(back_t.read_rows(0, 3, DType::Float64).to_vector<double>() == std::vector<double>{1, 4, 2, 5, 3, 6});
  // 1-d and 0-d shapes.
  save_npy(dir.file("v.npy"), Tensor::from_vector<float>({1, 2, 3}, {3}));
  CHECK(scan_test::read_bytes(dir.file("v.npy")).substr(10, 57) ==
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  save_npy(dir.file("s.npy"), Tensor::scalar(2.5));
  CHECK(NpyArray(dir.file("s.npy")).shape().empty());

  CHECK_THROWS_WITH_AS(save_npy(dir.file("i.npy"), Tensor::zeros({2}, DType::Int64)),
                       doctest::Contains("save_npy: expected a float32 or float64 tensor, got int64"), Error);
  CHECK_FALSE(std::filesystem::exists(dir.file("i.npy")));
}

TEST_CASE("npy: first_non_finite_row finds the smallest bad row") {
  TempDir dir;
  std::vector<float> values(64 * 5, 1.0f);
  save_npy(dir.file("ok.npy"), Tensor::from_vector(values, {64, 5}));
  CHECK(NpyArray(dir.file("ok.npy")).first_non_finite_row() == -1);
  values[41 * 5 + 2] = std::numeric_limits<float>::infinity();
  values[37 * 5 + 4] = std::numeric_limits<float>::quiet_NaN();
  values[50 * 5 + 0] = -std::numeric_limits<float>::infinity();
  save_npy(dir.file("bad.npy"), Tensor::from_vector(values, {64, 5}));
  CHECK(NpyArray(dir.file("bad.npy")).first_non_finite_row() == 37);
  std::vector<double> doubles(10 * 3, -1.0);
  doubles[9 * 3 + 1] = std::nan("");
  save_npy(dir.file("bad64.npy"), Tensor::from_vector(doubles, {10, 3}));
  CHECK(NpyArray(dir.file("bad64.npy")).first_non_finite_row() == 9);
}

TEST_CASE("npy: numpy reads our files byte-identically and we read numpy's v1, v2, v3 files") {
  const std::string python = scan_test::python_with_numpy();
  TempDir dir;
  // Ours -> numpy: np.load gives the values, and np.save of the same array gives the same bytes.
  std::vector<float> values;
  for (int i = 0; i < 2 * 3 * 4; ++i) values.push_back(static_cast<float>(i) * 0.5f - 3.0f);
  save_npy(dir.file("ours32.npy"), Tensor::from_vector(values, {2, 3, 4}));
  std::vector<double> values64 = {1e-300, -0.1, 12345.678};
  save_npy(dir.file("ours64.npy"), Tensor::from_vector(values64, {3}));
  const std::string check = R"(
import io, sys
import numpy as np
expected = {sys.argv[1]: np.arange(24, dtype='<f4').reshape(2, 3, 4) * 0.5 - 3.0,
            sys.argv[2]: np.array([1e-300, -0.1, 12345.678], dtype='<f8')}
for path, want in expected.items():
    got = np.load(path)
    assert got.dtype == want.dtype and got.shape == want.shape, (path, got.dtype, got.shape)
    assert np.array_equal(got, want), (path, got)
    buf = io.BytesIO()
    np.save(buf, want)
    assert buf.getvalue() == open(path, 'rb').read(), (path, 'bytes differ from np.save')
print('ok')
)";
  CHECK(scan_test::run_python(python, check, {dir.file("ours32.npy"), dir.file("ours64.npy")}) == "ok\n");

  // numpy -> ours, every format version, float32 and float64.
  const std::string write = R"(
import sys
import numpy as np
folder = sys.argv[1]
for major in (1, 2, 3):
    for descr in ('<f4', '<f8'):
        a = (np.arange(60, dtype=descr).reshape(5, 3, 4) - 7.0) / 8.0
        with open('%s/np_v%d_%s.npy' % (folder, major, descr[1:]), 'wb') as f:
            np.lib.format.write_array(f, a, version=(major, 0))
)";
  scan_test::run_python(python, write, {dir.str()});
  for (int major : {1, 2, 3}) {
    for (const char* kind : {"f4", "f8"}) {
      CAPTURE(major);
      CAPTURE(kind);
      const NpyArray a(dir.file("np_v" + std::to_string(major) + "_" + kind + ".npy"));
      CHECK(a.format_major() == major);
      CHECK(a.shape() == Shape{5, 3, 4});
      CHECK(a.dtype() == (std::string(kind) == "f4" ? DType::Float32 : DType::Float64));
      const std::vector<double> got = a.read_rows(0, 5, DType::Float64).to_vector<double>();
      REQUIRE(got.size() == 60);
      for (int i = 0; i < 60; ++i) CHECK(got[i] == (i - 7.0) / 8.0);
    }
  }
}

TEST_CASE("npy: a feature file truncated while mapped ends the process with a message naming it, not a bare SIGBUS") {
  scan_test::TempDir dir;
  const std::string path = dir.file("train_ims.npy");
  save_npy(path, fw::Tensor::ones({64, 32, 32}));  // 256 KB of data: many pages
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child maps the file, the file shrinks under it, the child reads a vanished page.
    const int err_file = ::open((path + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(err_file, STDERR_FILENO);
    const NpyArray array(path);
    if (::truncate(path.c_str(), 4096) != 0) ::_exit(3);
    volatile float sum = 0;
    for (int64_t row = 0; row < array.rows(); ++row) sum = sum + array.row<float>(row)[0];
    ::_exit(2);  // not reached: the read must fault
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  const std::string message = scan_test::read_bytes(path + ".err");
  CHECK(message == "error: '" + path +
                       "' became shorter while it was being read (truncated or rewritten by another program?); "
                       "stopped. Restore the file, then resume from the last checkpoint.\n");
}
