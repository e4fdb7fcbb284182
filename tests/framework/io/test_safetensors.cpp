#include "framework/io/safetensors.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/core/random.h"
#include "tests/framework/io/temp_dir.h"

using namespace fw;

namespace {

// A safetensors file from its parts, following docs/formats.md: the 8-byte little-endian header
// length, the header text, the data section.
std::string make_file(const std::string& header, const std::string& data = "") {
  std::string bytes;
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i, n >>= 8) bytes.push_back(static_cast<char>(n & 0xff));
  return bytes + header + data;
}

// Writes `bytes` to a file and expects load_safetensors to reject it, naming the file and `problem`.
void check_rejected(const std::string& bytes, const std::string& problem) {
  TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  write_bytes(path, bytes);
  const std::string expected = "load_safetensors: '" + path + "': " + problem;
  CHECK_THROWS_WITH_AS(load_safetensors(path), doctest::Contains(expected.c_str()), Error);
}

// Header of a single F32 tensor "a" with the given shape and offsets, as JSON text.
std::string one_tensor(const std::string& shape, const std::string& offsets, const std::string& dtype = "F32") {
  return R"({"a":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}}";
}

}  // namespace

TEST_CASE("safetensors: round trip of every dtype, scalar and zero-size tensors, and metadata") {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  const std::map<std::string, Tensor> tensors{
      {"emb.weight", Tensor::from_vector<float>({1.5f, -2.25f, 3e-8f, 4e7f, 0.f, -0.f}, {2, 3})},
      {"fc.bias", Tensor::from_vector<double>({0.1, -1e300, 2.5, 1.0 / 3.0}, {4})},
      {"ids", Tensor::from_vector<int64_t>({-1, 0, int64_t(1) << 40}, {3})},
      {"scale", Tensor::scalar(0.75, DType::Float32)},
      {"empty", Tensor::zeros({0, 3}, DType::Float64)},
  };
  const std::map<std::string, std::string> metadata{
      {"config", R"({"lr": 0.0002, "name": "scan \"t2i\"", "dims": [1, 2]})"},
      {"epoch", "3"},
      {"note", "caf\xc3\xa9\nline two"},
  };
  save_safetensors(path, tensors, metadata);
  const SafetensorsFile file = load_safetensors(path);

  CHECK(file.metadata == metadata);
  REQUIRE(file.tensors.size() == tensors.size());
  for (const auto& item : tensors) {
    const auto& name = item.first;
    const auto& original = item.second;
    INFO(name);
    REQUIRE(file.tensors.count(name) == 1);
    const Tensor& loaded = file.tensors.at(name);
    CHECK(loaded.dtype() == original.dtype());
    CHECK(loaded.shape() == original.shape());
    CHECK_FALSE(loaded.requires_grad());
    CHECK_FALSE(loaded.shares_storage_with(original));
  }
  CHECK(file.tensors.at("emb.weight").to_vector<float>() == tensors.at("emb.weight").to_vector<float>());
  CHECK(file.tensors.at("fc.bias").to_vector<double>() == tensors.at("fc.bias").to_vector<double>());
  CHECK(file.tensors.at("ids").to_vector<int64_t>() == std::vector<int64_t>{-1, 0, int64_t(1) << 40});
  CHECK(file.tensors.at("scale").item() == 0.75);
  CHECK(file.tensors.at("empty").numel() == 0);
}

TEST_CASE("safetensors: empty tensor map without metadata") {
  TempDir dir;
  const std::string path = dir.file("empty.safetensors");
  save_safetensors(path, {});
  // "{}" padded to 8 bytes, no data.
  CHECK(read_bytes(path) == make_file("{}      "));
  const SafetensorsFile file = load_safetensors(path);
  CHECK(file.tensors.empty());
  CHECK(file.metadata.empty());
}

TEST_CASE("safetensors: the bytes of a tiny file match the format description") {
  TempDir dir;
  const std::string path = dir.file("tiny.safetensors");
  save_safetensors(path, {{"a", Tensor::from_vector<float>({1.0f, 2.0f}, {2})}}, {{"epoch", "3"}});
  // The example of docs/formats.md: keys sorted, no spaces, 83 bytes of JSON padded to 88.
  const std::string header = R"({"__metadata__":{"epoch":"3"},"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}})";
  REQUIRE(header.size() == 83);
  std::string expected = {'\x58', 0, 0, 0, 0, 0, 0, 0};  // N = 88, little-endian
  expected += header + std::string(5, ' ');
  expected += std::string{0, 0, '\x80', '\x3f', 0, 0, 0, '\x40'};  // 1.0f and 2.0f, little-endian
  CHECK(read_bytes(path).size() == 104);
  CHECK(read_bytes(path) == expected);
}

TEST_CASE("safetensors: tensors are stored in sorted name order, back to back") {
  TempDir dir;
  const std::string path = dir.file("two.safetensors");
  save_safetensors(path, {{"b", Tensor::from_vector<int64_t>({7}, {1})}, {"a", Tensor::scalar(0.5, DType::Float64)}});
  const std::string header =
      R"({"a":{"data_offsets":[0,8],"dtype":"F64","shape":[]},"b":{"data_offsets":[8,16],"dtype":"I64","shape":[1]}})";
  REQUIRE(header.size() == 107);  // padded with 5 spaces: 8 + 112 is a multiple of 8
  std::string data = {0, 0, 0, 0, 0, 0, '\xe0', '\x3f'};  // 0.5 as binary64
  data += std::string{7, 0, 0, 0, 0, 0, 0, 0};             // 7 as int64
  CHECK(read_bytes(path) == make_file(header + "     ", data));
}

TEST_CASE("safetensors: non-contiguous tensors and views with an offset are saved row-major") {
  TempDir dir;
  const std::string path = dir.file("views.safetensors");
  const Tensor base = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  save_safetensors(path, {{"t", base.transpose(0, 1)}, {"row", base.select(0, 1)}, {"col", base.narrow(1, 1, 1)}});
  const SafetensorsFile file = load_safetensors(path);
  CHECK(file.tensors.at("t").shape() == Shape{3, 2});
  CHECK(file.tensors.at("t").to_vector<float>() == std::vector<float>{1, 4, 2, 5, 3, 6});
  CHECK(file.tensors.at("row").to_vector<float>() == std::vector<float>{4, 5, 6});
  CHECK(file.tensors.at("col").shape() == Shape{2, 1});
  CHECK(file.tensors.at("col").to_vector<float>() == std::vector<float>{2, 5});
}

TEST_CASE("safetensors: saving is atomic") {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  save_safetensors(path, {{"w", Tensor::ones({3})}});
  save_safetensors(path, {{"w", Tensor::full({2}, 4.0)}});  // overwrites in place
  CHECK(dir.entries() == std::set<std::string>{"model.safetensors"});  // no temporary file left
  CHECK(load_safetensors(path).tensors.at("w").to_vector<float>() == std::vector<float>{4, 4});

  const std::string unreachable = dir.file("missing/model.safetensors");
  CHECK_THROWS_WITH_AS(save_safetensors(unreachable, {{"w", Tensor::ones({3})}}),
                       doctest::Contains(("save_safetensors: write: cannot open '" + unreachable).c_str()), Error);
  CHECK(dir.entries() == std::set<std::string>{"model.safetensors"});
}

TEST_CASE("safetensors: saving rejects what the format cannot hold") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(save_safetensors(dir.file("x"), {{"__metadata__", Tensor::ones({1})}}),
                       doctest::Contains("save_safetensors: '__metadata__' is reserved"), Error);
  CHECK_THROWS_WITH_AS(save_safetensors(dir.file("x"), {{"w", Tensor()}}),
                       doctest::Contains("save_safetensors: tensor 'w' is undefined"), Error);
  CHECK_THROWS_WITH_AS(save_safetensors(dir.file("x"), {{"w", Tensor::ones({1})}}, {{"k", "\xff"}}),
                       doctest::Contains("save_safetensors: a tensor name or metadata string is not valid UTF-8"),
                       Error);
  CHECK(dir.entries().empty());
}

TEST_CASE("safetensors: loading rejects broken files, naming the file and the problem") {
  const std::string four = std::string(4, '\0'), eight = std::string(8, '\0'), twelve = std::string(12, '\0');
  SUBCASE("missing file") {
    TempDir dir;
    const std::string path = dir.file("absent.safetensors");
    CHECK_THROWS_WITH_AS(load_safetensors(path),
                         doctest::Contains(("load_safetensors: cannot open '" + path + "'").c_str()), Error);
  }
  SUBCASE("shorter than the length field") {
    check_rejected("", "the file is 0 bytes long, shorter than the 8-byte header length");
    check_rejected(std::string("{}\0", 3), "the file is 3 bytes long, shorter than the 8-byte header length");
  }
  SUBCASE("header length past the end") {
    std::string bytes = make_file("{}");
    bytes[0] = 100;
    check_rejected(bytes, "the header length 100 runs past the end of the file (2 bytes follow the length field)");
    bytes = make_file("{}");
    bytes[7] = '\x80';  // 2^63 + 2
    check_rejected(bytes, "the header length 9223372036854775810 runs past the end of the file");
  }
  SUBCASE("header not JSON, not an object, or with repeated keys") {
    check_rejected(make_file(R"({"a": )"), "the header is not valid JSON: ");
    check_rejected(make_file("{\"a\xff\": 1}"), "the header is not valid JSON: ");  // invalid UTF-8
    check_rejected(make_file(R"({} {})"), "the header is not valid JSON: ");
    check_rejected(make_file("[1, 2]"), "the header must be a JSON object, found array");
    check_rejected(make_file(R"("text")"), "the header must be a JSON object, found string");
    const std::string a = R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
    check_rejected(make_file(R"({"a":)" + a + R"(,"a":)" + a + "}", four), "the header repeats the key 'a'");
    check_rejected(make_file(R"({"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}})", four),
                   "the header repeats the key 'dtype'");
  }
  SUBCASE("entries without dtype, shape or data_offsets, or with other fields") {
    check_rejected(make_file(R"({"a":5})"), "tensor 'a' must be described by a JSON object, found number");
    check_rejected(make_file(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", four), "tensor 'a' has no \"dtype\"");
    check_rejected(make_file(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", four), "tensor 'a' has no \"shape\"");
    check_rejected(make_file(R"({"a":{"dtype":"F32","shape":[1]}})", four), "tensor 'a' has no \"data_offsets\"");
    check_rejected(make_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}})", four),
                   "tensor 'a' has an unknown field \"stride\"");
  }
  SUBCASE("unknown or malformed dtype") {
    check_rejected(make_file(one_tensor("[2]", "[0,4]", "F8_E4M3"), four),
                   "tensor 'a' has unsupported dtype 'F8_E4M3' (supported: F32, F64, I64, and F16, BF16 read as F32)");
    check_rejected(make_file(one_tensor("[1]", "[0,4]", "F16"), four),
                   "tensor 'a': data_offsets [0,4] span 4 bytes, but shape [1] F16 needs 2");
    check_rejected(make_file(one_tensor("[1]", "[0,4]", "f32"), four), "tensor 'a' has unsupported dtype 'f32'");
    check_rejected(make_file(R"({"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", four),
                   "tensor 'a': \"dtype\" must be a string, found 4");
  }
  SUBCASE("negative, fractional or non-numeric shape") {
    check_rejected(make_file(one_tensor("[-1]", "[0,4]"), four),
                   "tensor 'a': \"shape\" must hold non-negative integers, found [-1]");
    check_rejected(make_file(one_tensor("[1.5]", "[0,4]"), four),
                   "tensor 'a': \"shape\" must hold non-negative integers, found [1.5]");
    check_rejected(make_file(one_tensor("[\"1\"]", "[0,4]"), four),
                   "tensor 'a': \"shape\" must hold non-negative integers, found [\"1\"]");
    check_rejected(make_file(one_tensor("2", "[0,4]"), four), "tensor 'a': \"shape\" must be an array, found 2");
    check_rejected(make_file(one_tensor("[4611686018427387904,4]", "[0,4]"), four),
                   "tensor 'a': shape [4611686018427387904,4] is too large");
  }
  SUBCASE("data_offsets malformed or not matching shape x dtype size") {
    check_rejected(make_file(one_tensor("[2]", "[0,4]"), four),
                   "tensor 'a': data_offsets [0,4] span 4 bytes, but shape [2] float32 needs 8");
    check_rejected(make_file(one_tensor("[]", "[0,4]", "I64"), four),
                   "tensor 'a': data_offsets [0,4] span 4 bytes, but shape [] int64 needs 8");
    check_rejected(make_file(one_tensor("[1]", "[4]"), four),
                   "tensor 'a': \"data_offsets\" must be [begin, end] with 0 <= begin <= end, found [4]");
    check_rejected(make_file(one_tensor("[1]", "[4,0]"), four),
                   "tensor 'a': \"data_offsets\" must be [begin, end] with 0 <= begin <= end, found [4,0]");
    check_rejected(make_file(one_tensor("[1]", "[-4,0]"), four),
                   "tensor 'a': \"data_offsets\" must be [begin, end] with 0 <= begin <= end, found [-4,0]");
  }
  SUBCASE("offsets outside the data section") {
    check_rejected(make_file(one_tensor("[2]", "[0,8]"), four),
                   "tensor 'a': data_offsets [0, 8] run past the end of the data section (4 bytes)");
  }
  SUBCASE("overlapping tensors") {
    const std::string header =
        R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
    check_rejected(make_file(header, twelve), "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
  }
  SUBCASE("gaps in the data section") {
    const std::string header =
        R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
    check_rejected(make_file(header, twelve),
                   "bytes [4, 8) of the data section belong to no tensor (between 'a' and 'b')");
    check_rejected(make_file(one_tensor("[1]", "[4,8]"), eight),
                   "bytes [0, 4) of the data section belong to no tensor (before 'a')");
  }
  SUBCASE("trailing bytes after the last tensor") {
    check_rejected(make_file(one_tensor("[1]", "[0,4]"), eight),
                   "trailing bytes after the last tensor: the tensors cover 4 of the 8 bytes of the data section");
    check_rejected(make_file("{}", "x"),
                   "trailing bytes after the last tensor: the tensors cover 0 of the 1 bytes of the data section");
  }
  SUBCASE("metadata that is not an object of strings") {
    check_rejected(make_file(R"({"__metadata__":{"epoch":3}})"), "metadata value of 'epoch' must be a string, found 3");
    check_rejected(make_file(R"({"__metadata__":{"a":"x","b":null}})"),
                   "metadata value of 'b' must be a string, found null");
    check_rejected(make_file(R"({"__metadata__":["x"]})"), "\"__metadata__\" must be an object, found array");
  }
}

TEST_CASE("safetensors: valid files written by hand load, including padding and zero-size tensors") {
  TempDir dir;
  const std::string path = dir.file("hand.safetensors");
  // Unsorted keys, a zero-size tensor at a boundary, whitespace in the JSON, padding spaces.
  const std::string header =
      R"({ "z": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]},
           "e": {"dtype": "F32", "shape": [2, 0], "data_offsets": [8, 8]},
           "a": {"dtype": "F32", "shape": [1, 1], "data_offsets": [8, 12]} }   )";
  std::string data = {5, 0, 0, 0, 0, 0, 0, 0};
  data += std::string{0, 0, '\x40', '\xc0'};  // -3.0f
  write_bytes(path, make_file(header, data));
  const SafetensorsFile file = load_safetensors(path);
  CHECK(file.tensors.at("z").to_vector<int64_t>() == std::vector<int64_t>{5});
  CHECK(file.tensors.at("e").shape() == Shape{2, 0});
  CHECK(file.tensors.at("a").shape() == Shape{1, 1});
  CHECK(file.tensors.at("a").item() == -3.0);
  CHECK(file.metadata.empty());
}

namespace {

// An interpreter that can import numpy: `python3` on the PATH, else the system's /usr/bin/python3
// (a Python installed outside the system packages may lack numpy).
std::string python_with_numpy() {
  for (const std::string candidate : {"python3", "/usr/bin/python3"})
    if (std::system((candidate + " -c 'import numpy' > /dev/null 2>&1").c_str()) == 0) return candidate;
  return "";
}

// Runs tests/framework/io/read_safetensors.py on `path`; returns its exit status, stdout in `out`.
int run_python_reader(const TempDir& dir, const std::string& path, std::string& out, std::string& err) {
  const std::string python = python_with_numpy();
  if (python.empty())
    FAIL("the independent reader needs python3 with numpy (Debian: apt-get install python3 python3-numpy)");
  const std::string script = std::string(SCAN_SOURCE_DIR) + "/tests/framework/io/read_safetensors.py";
  const std::string out_path = dir.file("reader.out"), err_path = dir.file("reader.err");
  const int status =
      std::system((python + " '" + script + "' '" + path + "' > '" + out_path + "' 2> '" + err_path + "'").c_str());
  out = read_bytes(out_path);
  err = read_bytes(err_path);
  return status;
}

}  // namespace

TEST_CASE("safetensors: an independent Python reader agrees with the writer") {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  Generator gen(7);
  const std::map<std::string, Tensor> tensors{
      {"img_enc.fc.weight", Tensor::normal({5, 7}, 0.0, 1.0, gen, DType::Float32)},
      {"img_enc.fc.bias", Tensor::uniform({7}, -1.0, 1.0, gen, DType::Float64).narrow(0, 2, 4)},
      {"txt_enc.embed.weight", Tensor::normal({3, 4}, 0.0, 1e-3, gen, DType::Float64).transpose(0, 1)},
      {"step", Tensor::from_vector<int64_t>({-5, int64_t(1) << 50}, {2, 1})},
      {"scalar", Tensor::scalar(-0.125, DType::Float32)},
      {"nothing", Tensor::zeros({2, 0, 3})},
  };
  const std::map<std::string, std::string> metadata{{"epoch", "12"}, {"options", R"({"margin": 0.2})"}};
  save_safetensors(path, tensors, metadata);

  std::string out, err;
  const int status = run_python_reader(dir, path, out, err);
  INFO("reader stderr: ", err);
  REQUIRE(status == 0);
  const nlohmann::json contents = nlohmann::json::parse(out);
  CHECK((8 + contents["header_length"].get<uint64_t>()) % 8 == 0);  // data section aligned to 8 bytes
  std::vector<std::string> sorted_names;
  for (const auto& [name, t] : tensors) sorted_names.push_back(name);
  CHECK(contents["order"].get<std::vector<std::string>>() == sorted_names);
  CHECK(contents["metadata"].get<std::map<std::string, std::string>>() == metadata);
  REQUIRE(contents["tensors"].size() == tensors.size());
  for (const auto& item : tensors) {
    const auto& name = item.first;
    const auto& t = item.second;
    INFO(name);
    const nlohmann::json& entry = contents["tensors"][name];
    CHECK(entry["dtype"] == (t.dtype() == DType::Float32 ? "F32" : t.dtype() == DType::Float64 ? "F64" : "I64"));
    CHECK(entry["shape"].get<Shape>() == t.shape());
    if (t.dtype() == DType::Int64) CHECK(entry["values"].get<std::vector<int64_t>>() == t.to_vector<int64_t>());
    else CHECK(entry["values"].get<std::vector<double>>() == t.to_vector<double>());  // exact: float32 widens
  }
}

TEST_CASE("safetensors: the Python reader rejects what the C++ reader rejects") {
  TempDir dir;
  const std::string path = dir.file("cut.safetensors");
  save_safetensors(path, {{"w", Tensor::ones({4})}});
  const std::string bytes = read_bytes(path);
  write_bytes(path, bytes.substr(0, bytes.size() - 1));  // the last tensor now runs past the end
  CHECK_THROWS_AS(load_safetensors(path), Error);
  std::string out, err;
  CHECK(run_python_reader(dir, path, out, err) != 0);
  CHECK(err.find("do not fit shape [4] F32") != std::string::npos);
}

TEST_CASE("safetensors: F16 and BF16 tensors load as float32, exactly") {
  // Bit patterns and their values (IEEE 754 binary16; bfloat16 is the top half of a float32).
  const std::vector<uint16_t> half_bits = {0x3C00, 0xC000, 0x3555, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x8000, 0x7C00};
  const std::vector<float> half_values = {1.0f, -2.0f, 0.333251953125f, 0x1p-24f, 0x1.FF8p-15f, 0x1p-14f, 65504.0f,
                                          -0.0f, INFINITY};
  const std::vector<uint16_t> bf16_bits = {0x3F80, 0xC0A0, 0x0001, 0x7F7F};
  const std::vector<float> bf16_values = {1.0f, -5.0f, 0x1p-133f, 0x1.FEp127f};
  std::string data;
  for (uint16_t h : half_bits) data.append(reinterpret_cast<const char*>(&h), 2);
  for (uint16_t h : bf16_bits) data.append(reinterpret_cast<const char*>(&h), 2);
  const std::string header = R"({"h":{"dtype":"F16","shape":[9],"data_offsets":[0,18]},)"
                             R"("b":{"dtype":"BF16","shape":[2,2],"data_offsets":[18,26]}})";
  TempDir dir;
  const std::string path = dir.file("half.safetensors");
  write_bytes(path, make_file(header, data));
  const SafetensorsFile file = load_safetensors(path);
  const Tensor& h = file.tensors.at("h");
  const Tensor& b = file.tensors.at("b");
  CHECK(h.dtype() == DType::Float32);
  CHECK(b.dtype() == DType::Float32);
  CHECK(b.shape() == Shape{2, 2});
  const std::vector<float> hv = h.to_vector<float>(), bv = b.to_vector<float>();
  for (size_t i = 0; i < half_values.size(); ++i) {
    CAPTURE(i);
    CHECK(hv[i] == half_values[i]);
    CHECK(std::signbit(hv[i]) == std::signbit(half_values[i]));
  }
  CHECK(bv == bf16_values);
  // A NaN half stays NaN.
  const uint16_t nan_bits = 0x7E00;
  write_bytes(path, make_file(R"({"n":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}})",
                              std::string(reinterpret_cast<const char*>(&nan_bits), 2)));
  CHECK(std::isnan(load_safetensors(path).tensors.at("n").item()));
}
