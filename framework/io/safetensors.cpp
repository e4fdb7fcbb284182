#include "framework/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "framework/io/atomic_file.h"

namespace fw {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; this build copies bytes without swapping");

namespace {

using json = nlohmann::json;

constexpr const char* kMetadataKey = "__metadata__";

const char* format_dtype(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "F32";
    case DType::Float64: return "F64";
    case DType::Int64: return "I64";
  }
  return "?";
}

// How a tensor is stored in the file. F16 and BF16 have no tensor dtype of their own: they are
// read into float32 tensors (exactly: every half and bfloat16 value is a float32 value).
enum class StoredType { F32, F64, I64, F16, BF16 };

bool parse_dtype(const std::string& name, StoredType& stored, DType& dtype) {
  if (name == "F32") stored = StoredType::F32, dtype = DType::Float32;
  else if (name == "F64") stored = StoredType::F64, dtype = DType::Float64;
  else if (name == "I64") stored = StoredType::I64, dtype = DType::Int64;
  else if (name == "F16") stored = StoredType::F16, dtype = DType::Float32;
  else if (name == "BF16") stored = StoredType::BF16, dtype = DType::Float32;
  else return false;
  return true;
}

uint64_t stored_size(StoredType stored) {
  return stored == StoredType::F16 || stored == StoredType::BF16 ? 2 : 8 - 4 * (stored == StoredType::F32);
}

// IEEE 754 binary16 -> binary32: sign, 5-bit exponent (bias 15), 10-bit mantissa. Subnormal halves
// (exponent 0) are normalised; exponent 31 is Inf (mantissa 0) or NaN.
float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
  uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);  // 112 = 127 - 15
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal: shift the mantissa up until its leading 1 reaches the implicit bit
    exponent = 113;
    while (!(mantissa & 0x400u)) mantissa <<= 1, --exponent;
    bits = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
  }
  return std::bit_cast<float>(bits);
}

// Copies the stored bytes of one tensor into t (already of the converted dtype and shape).
void read_tensor_data(StoredType stored, const char* src, uint64_t nbytes, Tensor& t) {
  if (stored != StoredType::F16 && stored != StoredType::BF16) {
    if (nbytes > 0) std::memcpy(t.storage()->data(), src, nbytes);
    return;
  }
  float* out = static_cast<float*>(t.storage()->data());
  for (uint64_t i = 0; i < nbytes / 2; ++i) {
    uint16_t h;
    std::memcpy(&h, src + 2 * i, 2);
    out[i] = stored == StoredType::F16 ? half_to_float(h) : std::bit_cast<float>(uint32_t(h) << 16);
  }
}

// ---- writing --------------------------------------------------------------------------------

// The JSON header, padded with spaces so that the data section starts at a multiple of 8 bytes.
std::string encode_header(const std::map<std::string, Tensor>& dense,
                          const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : dense) {  // std::map: sorted name order
    const uint64_t nbytes = static_cast<uint64_t>(t.numel()) * dtype_size(t.dtype());
    header[name] = {{"dtype", format_dtype(t.dtype())},
                    {"shape", t.shape()},
                    {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {
    throw Error(std::string("save_safetensors: a tensor name or metadata string is not valid UTF-8 (") +
                e.what() + ")");
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

// ---- reading --------------------------------------------------------------------------------

// Throws "load_safetensors: '<path>': <parts...>" unless `condition` holds.
template <typename... Parts>
void require(bool condition, const std::string& path, const Parts&... parts) {
  if (!condition) throw Error(detail::concat("load_safetensors: '", path, "': ", parts...));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  check(in.good(), "load_safetensors", "cannot open '", path, "': ", std::strerror(errno));
  const std::streamoff size = in.tellg();
  require(size >= 0, path, "cannot determine the file size");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(bytes.data(), size);
  require(in.gcount() == size, path, "read failed after ", in.gcount(), " of ", size, " bytes");
  return bytes;
}

// Parses the header text, rejecting invalid JSON and keys repeated within one object (which a
// plain parse would silently resolve to the last value).
json parse_header(const char* begin, const char* end, const std::string& path) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto track_keys = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == json::parse_event_t::object_end) open_objects.pop_back();
    if (event == json::parse_event_t::key && !open_objects.back().insert(parsed.get<std::string>()).second &&
        duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(begin, end, track_keys);
  } catch (const json::parse_error& e) {
    require(false, path, "the header is not valid JSON: ", e.what());
  }
  require(duplicate.empty(), path, "the header repeats the key '", duplicate, "'");
  require(header.is_object(), path, "the header must be a JSON object, found ", header.type_name());
  return header;
}

// A JSON number that is a non-negative integer, or nothing.
bool as_count(const json& value, uint64_t& out) {
  if (value.is_number_unsigned()) out = value.get<uint64_t>();
  else if (value.is_number_integer() && value.get<int64_t>() >= 0) out = static_cast<uint64_t>(value.get<int64_t>());
  else return false;
  return true;
}

struct Entry {
  std::string name;
  StoredType stored = StoredType::F32;
  DType dtype = DType::Float32;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

Entry parse_entry(const std::string& name, const json& info, const std::string& path) {
  const std::string where = "tensor '" + name + "'";
  require(info.is_object(), path, where, " must be described by a JSON object, found ", info.type_name());
  for (const char* field : {"dtype", "shape", "data_offsets"})
    require(info.contains(field), path, where, " has no \"", field, "\"");
  for (const auto& [field, value] : info.items())
    require(field == "dtype" || field == "shape" || field == "data_offsets", path, where, " has an unknown field \"",
            field, "\"");

  Entry entry;
  entry.name = name;
  const json& dtype = info["dtype"];
  require(dtype.is_string(), path, where, ": \"dtype\" must be a string, found ", dtype.dump());
  require(parse_dtype(dtype.get<std::string>(), entry.stored, entry.dtype), path, where, " has unsupported dtype '",
          dtype.get<std::string>(), "' (supported: F32, F64, I64, and F16, BF16 read as F32)");

  const json& shape = info["shape"];
  require(shape.is_array(), path, where, ": \"shape\" must be an array, found ", shape.dump());
  uint64_t nbytes = stored_size(entry.stored);
  for (const json& dim : shape) {
    uint64_t size = 0;
    require(as_count(dim, size) && size <= uint64_t(std::numeric_limits<int64_t>::max()), path, where,
            ": \"shape\" must hold non-negative integers, found ", shape.dump());
    entry.shape.push_back(static_cast<int64_t>(size));
    require(!__builtin_mul_overflow(nbytes, size, &nbytes), path, where, ": shape ", shape.dump(),
            " is too large");
  }

  const json& offsets = info["data_offsets"];
  require(offsets.is_array() && offsets.size() == 2 && as_count(offsets[0], entry.begin) &&
              as_count(offsets[1], entry.end) && entry.begin <= entry.end,
          path, where, ": \"data_offsets\" must be [begin, end] with 0 <= begin <= end, found ", offsets.dump());
  require(entry.end - entry.begin == nbytes, path, where, ": data_offsets ", offsets.dump(), " span ",
          entry.end - entry.begin, " bytes, but shape ", shape_str(entry.shape), " ",
          entry.stored == StoredType::F16 || entry.stored == StoredType::BF16 ? dtype.get<std::string>()
                                                                              : std::string(dtype_name(entry.dtype)),
          " needs ", nbytes);
  return entry;
}

std::map<std::string, std::string> parse_metadata(const json& value, const std::string& path) {
  require(value.is_object(), path, "\"", kMetadataKey, "\" must be an object, found ", value.type_name());
  std::map<std::string, std::string> metadata;
  for (const auto& [key, text] : value.items()) {
    require(text.is_string(), path, "metadata value of '", key, "' must be a string, found ", text.dump());
    metadata[key] = text.get<std::string>();
  }
  return metadata;
}

// The tensors must tile the data section exactly: in offset order, each begins where the
// previous one ended, the first at 0 and the last at the end of the section.
void check_coverage(std::vector<Entry> entries, uint64_t data_size, const std::string& path) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
  uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : entries) {
    require(e.end <= data_size, path, "tensor '", e.name, "': data_offsets [", e.begin, ", ", e.end,
            "] run past the end of the data section (", data_size, " bytes)");
    if (previous)
      require(e.begin >= covered, path, "tensors '", previous->name, "' [", previous->begin, ", ", covered, "] and '",
              e.name, "' [", e.begin, ", ", e.end, "] overlap");
    require(e.begin == covered, path, "bytes [", covered, ", ", e.begin, ") of the data section belong to no tensor (",
            previous ? "between '" + previous->name + "' and '" + e.name + "'" : "before '" + e.name + "'", ")");
    covered = e.end;
    previous = &e;
  }
  require(covered == data_size, path, "trailing bytes after the last tensor: the tensors cover ", covered, " of the ",
          data_size, " bytes of the data section");
}

}  // namespace

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::map<std::string, Tensor> dense;
  for (const auto& [name, t] : tensors) {
    check(name != kMetadataKey, "save_safetensors", "'", kMetadataKey, "' is reserved and cannot name a tensor");
    check(t.defined(), "save_safetensors", "tensor '", name, "' is undefined");
    check(t.device().is_cpu(), "save_safetensors", "tensor '", name, "' is on ", t.device().str(),
          "; move it to the CPU first");
    dense.emplace(name, t.detach().contiguous());
  }
  const std::string header = encode_header(dense, metadata);
  try {
    write_file_atomically(path, [&](std::ostream& out) {
      const uint64_t length = header.size();  // little-endian host: the bytes are already in order
      out.write(reinterpret_cast<const char*>(&length), sizeof length);
      out.write(header.data(), static_cast<std::streamsize>(header.size()));
      for (const auto& [name, t] : dense)
        if (t.numel() > 0)
          out.write(static_cast<const char*>(t.storage()->data()) + t.offset() * dtype_size(t.dtype()),
                    static_cast<std::streamsize>(t.numel() * dtype_size(t.dtype())));
    });
  } catch (const Error& e) {
    throw Error(std::string("save_safetensors: ") + e.what());
  }
}

SafetensorsFile load_safetensors(const std::string& path) {
  const std::string bytes = read_file(path);
  require(bytes.size() >= 8, path, "the file is ", bytes.size(),
          " bytes long, shorter than the 8-byte header length that starts every safetensors file");
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  const uint64_t available = bytes.size() - 8;
  require(header_length <= available, path, "the header length ", header_length, " runs past the end of the file (",
          available, " bytes follow the length field)");
  const char* header_begin = bytes.data() + 8;
  const json header = parse_header(header_begin, header_begin + header_length, path);

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) file.metadata = parse_metadata(value, path);
    else entries.push_back(parse_entry(name, value, path));
  }
  const char* data = header_begin + header_length;
  check_coverage(entries, available - header_length, path);

  for (const Entry& e : entries) {
    Tensor t = Tensor::empty(e.shape, e.dtype);
    read_tensor_data(e.stored, data + e.begin, e.end - e.begin, t);
    file.tensors.emplace(e.name, t);
  }
  return file;
}

}  // namespace fw
