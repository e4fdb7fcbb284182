#include "models/scan/data/npy_header.h"

#include <limits>
#include <map>

#include "framework/core/error.h"

namespace scan {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlign = 64;
constexpr std::size_t kGrowthAxisMaxDigits = 21;

template <typename... Parts>
[[noreturn]] void fail(const std::string& path, const Parts&... parts) {
  throw fw::Error(fw::detail::concat("load_npy: '", path, "': ", parts...));
}

// One value of the header dict: a string, a bool, a tuple of non-negative integers, or something
// else (kept as text for the error message).
struct Value {
  enum class Kind { String, Bool, Tuple, Other } kind = Kind::Other;
  std::string text;
  bool flag = false;
  fw::Shape tuple;
};

// A recursive-descent reader for the Python literal subset numpy writes:
//   dict  := '{' (string ':' value ','?)* '}'
//   value := string | True | False | '(' (int ','?)* ')' | anything else up to ',' or '}'
// Integers may carry Python 2's 'L' suffix.
class DictParser {
 public:
  DictParser(std::string_view text, const std::string& path) : s_(text), path_(path) {}

  std::map<std::string, Value> parse() {
    std::map<std::string, Value> dict;
    expect('{');
    while (skip_space(), peek() != '}') {
      const std::string key = parse_string();
      skip_space();
      expect(':');
      skip_space();
      if (!dict.emplace(key, parse_value()).second) fail(path_, "header dict repeats the key '", key, "'");
      skip_space();
      if (peek() == ',') ++i_;
      else if (peek() != '}') error("',' or '}'");
    }
    ++i_;
    skip_space();
    if (i_ != s_.size()) error("end of the header");
    return dict;
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  [[noreturn]] void error(const char* expected) const {
    fail(path_, "malformed header dict: expected ", expected, " at character ", i_, " of \"", s_, "\"");
  }
  void expect(char c) {
    if (peek() != c) {
      const char what[] = {'\'', c, '\'', '\0'};
      error(what);
    }
    ++i_;
  }

  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') error("a quoted string");
    std::string out;
    for (++i_; i_ < s_.size() && s_[i_] != quote; ++i_) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out.push_back(s_[i_]);
    }
    if (i_ >= s_.size()) error("a closing quote");
    ++i_;
    return out;
  }

  int64_t parse_int() {
    if (peek() < '0' || peek() > '9') error("a non-negative integer");
    int64_t value = 0;
    for (; peek() >= '0' && peek() <= '9'; ++i_) {
      const int digit = s_[i_] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) fail(path_, "shape dimension too large");
      value = value * 10 + digit;
    }
    if (peek() == 'L' || peek() == 'l') ++i_;
    return value;
  }

  Value parse_value() {
    Value v;
    if (peek() == '\'' || peek() == '"') {
      v.kind = Value::Kind::String;
      v.text = parse_string();
    } else if (s_.substr(i_, 4) == "True" || s_.substr(i_, 5) == "False") {
      v.kind = Value::Kind::Bool;
      v.flag = s_[i_] == 'T';
      i_ += v.flag ? 4 : 5;
    } else if (peek() == '(') {
      v.kind = Value::Kind::Tuple;
      ++i_;
      while (skip_space(), peek() != ')') {
        v.tuple.push_back(parse_int());
        skip_space();
        if (peek() == ',') ++i_;
        else if (peek() != ')') error("',' or ')' in the shape tuple");
      }
      ++i_;
    } else {
      // e.g. the list descr of a structured dtype: keep its text, balanced brackets included.
      const std::size_t start = i_;
      int depth = 0;
      for (; i_ < s_.size(); ++i_) {
        const char c = s_[i_];
        if (c == '[' || c == '(' || c == '{') ++depth;
        else if (c == ']' || c == ')' || c == '}') {
          if (depth == 0) break;
          --depth;
        } else if (c == ',' && depth == 0) {
          break;
        }
      }
      v.text = std::string(s_.substr(start, i_ - start));
      if (v.text.empty()) error("a value");
    }
    return v;
  }

  std::string_view s_;
  const std::string& path_;
  std::size_t i_ = 0;
};

fw::DType parse_descr(const Value& descr, const std::string& path) {
  const std::string found = descr.kind == Value::Kind::String ? "'" + descr.text + "'" : descr.text;
  if (descr.kind == Value::Kind::String) {
    if (descr.text == "<f4") return fw::DType::Float32;
    if (descr.text == "<f8") return fw::DType::Float64;
    if (descr.text == ">f4" || descr.text == ">f8")
      fail(path, "dtype ", found, " is big-endian; expected little-endian '<f4' (float32) or '<f8' (float64)",
           " (convert with numpy: a.astype('<f4'))");
  }
  fail(path, "unsupported dtype ", found, "; expected '<f4' (float32) or '<f8' (float64)");
}

uint32_t read_le(std::string_view bytes, std::size_t at, std::size_t width) {
  uint32_t value = 0;
  for (std::size_t k = 0; k < width; ++k) value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
  return value;
}

std::string shape_repr(const fw::Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

NpyHeader parse_npy_header(std::string_view file, const std::string& path) {
  if (file.size() < kMagic.size() || file.substr(0, kMagic.size()) != kMagic)
    fail(path, "not a .npy file: the first bytes are not the magic \"\\x93NUMPY\"");
  if (file.size() < 8) fail(path, "truncated header: the file ends inside the version bytes");
  NpyHeader header;
  header.major = static_cast<unsigned char>(file[6]);
  header.minor = static_cast<unsigned char>(file[7]);
  if ((header.major < 1 || header.major > 3) || header.minor != 0)
    fail(path, "unsupported .npy format version ", header.major, ".", header.minor, "; expected 1.0, 2.0 or 3.0");
  const std::size_t width = header.major == 1 ? 2 : 4;
  const std::size_t start = 8 + width;
  if (file.size() < start) fail(path, "truncated header: the file ends inside the header length");
  const std::size_t length = read_le(file, 8, width);
  if (file.size() - start < length)
    fail(path, "truncated header: the header length says ", length, " bytes but only ", file.size() - start,
         " follow");
  header.data_offset = start + length;

  std::map<std::string, Value> dict = DictParser(file.substr(start, length), path).parse();
  for (const char* key : {"descr", "fortran_order", "shape"})
    if (!dict.count(key)) fail(path, "header dict has no '", key, "' key");
  if (dict.size() != 3) {
    for (const auto& [key, value] : dict)
      if (key != "descr" && key != "fortran_order" && key != "shape")
        fail(path, "header dict has the unexpected key '", key, "'; expected only 'descr', 'fortran_order', 'shape'");
  }
  header.dtype = parse_descr(dict["descr"], path);
  const Value& fortran = dict["fortran_order"];
  if (fortran.kind != Value::Kind::Bool) fail(path, "'fortran_order' must be True or False, found ", fortran.text);
  if (fortran.flag)
    fail(path, "the array is stored in Fortran order (fortran_order: True); expected C order",
         " (save it with numpy: np.save(path, np.ascontiguousarray(a)))");
  const Value& shape = dict["shape"];
  if (shape.kind != Value::Kind::Tuple) fail(path, "'shape' must be a tuple of integers, found ", shape.text);
  header.shape = shape.tuple;
  return header;
}

std::string format_npy_header(fw::DType dtype, const fw::Shape& shape) {
  fw::check(dtype == fw::DType::Float32 || dtype == fw::DType::Float64, "save_npy",
            "expected a float32 or float64 tensor, got ", fw::dtype_name(dtype));
  std::string dict = std::string("{'descr': '") + (dtype == fw::DType::Float32 ? "<f4" : "<f8") +
                     "', 'fortran_order': False, 'shape': " + shape_repr(shape) + ", }";
  if (!shape.empty()) dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  // Version 1.0 unless the padded header length does not fit its uint16.
  auto padding = [&](std::size_t prefix) { return kAlign - (prefix + dict.size() + 1) % kAlign; };
  const bool v1 = dict.size() + 1 + padding(10) <= 0xFFFF;
  const std::size_t pad = padding(v1 ? 10 : 12);
  const std::size_t length = dict.size() + 1 + pad;
  std::string out(kMagic);
  out.push_back(static_cast<char>(v1 ? 1 : 2));
  out.push_back('\0');
  for (std::size_t k = 0; k < (v1 ? 2u : 4u); ++k) out.push_back(static_cast<char>((length >> (8 * k)) & 0xFF));
  out += dict;
  out.append(pad, ' ');
  out.push_back('\n');
  return out;
}

}  // namespace scan
