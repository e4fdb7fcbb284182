#include "models/scan/data/npy.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>

#include "framework/core/parallel.h"
#include "framework/io/atomic_file.h"

namespace scan {

static_assert(std::endian::native == std::endian::little,
              ".npy data is read as little-endian ('<f4', '<f8') without byte swapping");

namespace {

template <typename... Parts>
[[noreturn]] void fail(const std::string& path, const Parts&... parts) {
  throw fw::Error(fw::detail::concat("load_npy: '", path, "': ", parts...));
}

// numel * itemsize, or an error if it does not fit in 63 bits.
std::size_t data_bytes(const fw::Shape& shape, fw::DType dtype, const std::string& path) {
  int64_t bytes = static_cast<int64_t>(fw::dtype_size(dtype));
  for (int64_t d : shape) {
    if (d != 0 && bytes > std::numeric_limits<int64_t>::max() / d)
      fail(path, "shape ", fw::shape_str(shape), " is too large");
    bytes *= d;
  }
  return static_cast<std::size_t>(bytes);
}

// True when the float has an all-ones exponent (NaN or infinity); branch-free so loops vectorise.
inline bool non_finite(float v) { return (std::bit_cast<uint32_t>(v) & 0x7F800000u) == 0x7F800000u; }
inline bool non_finite(double v) {
  return (std::bit_cast<uint64_t>(v) & 0x7FF0000000000000ull) == 0x7FF0000000000000ull;
}

template <typename T>
bool row_has_non_finite(const char* bytes, int64_t n) {
  bool bad = false;
  for (int64_t k = 0; k < n; ++k) {
    T v;
    std::memcpy(&v, bytes + k * sizeof(T), sizeof(T));
    bad |= non_finite(v);
  }
  return bad;
}

}  // namespace

NpyArray::NpyArray(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open: ", std::strerror(errno));
  struct stat info {};
  const bool stat_ok = ::fstat(fd, &info) == 0;
  if (!stat_ok || info.st_size == 0) {
    const std::string reason = stat_ok ? "the file is empty" : std::strerror(errno);
    ::close(fd);
    fail(path, "cannot read: ", reason);
  }
  map_size_ = static_cast<std::size_t>(info.st_size);
  map_ = ::mmap(nullptr, map_size_, PROT_READ, MAP_SHARED, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    fail(path, "cannot memory-map: ", std::strerror(map_errno));
  }
  try {
    const std::string_view file(static_cast<const char*>(map_), map_size_);
    header_ = parse_npy_header(file, path);
    const std::size_t expected = data_bytes(header_.shape, header_.dtype, path);
    const std::size_t found = map_size_ - header_.data_offset;
    if (found != expected)
      fail(path, found < expected ? "truncated file" : "unexpected trailing bytes", ": shape ",
           fw::shape_str(header_.shape), " of ", fw::dtype_name(header_.dtype), " needs ", expected,
           " data bytes after the ", header_.data_offset, "-byte header, found ", found);
  } catch (...) {
    ::munmap(map_, map_size_);
    map_ = nullptr;
    throw;
  }
  guard_ = MappedFileGuard(map_, map_size_, path_);
}

NpyArray::~NpyArray() {
  guard_ = MappedFileGuard();  // unregistered before the pages go
  if (map_) ::munmap(map_, map_size_);
}

NpyArray::NpyArray(NpyArray&& other) noexcept
    : path_(std::move(other.path_)),
      header_(std::move(other.header_)),
      map_(other.map_),
      map_size_(other.map_size_),
      guard_(std::move(other.guard_)) {
  other.map_ = nullptr;
  other.map_size_ = 0;
}

NpyArray& NpyArray::operator=(NpyArray&& other) noexcept {
  if (this != &other) {
    guard_ = MappedFileGuard();
    if (map_) ::munmap(map_, map_size_);
    path_ = std::move(other.path_);
    header_ = std::move(other.header_);
    map_ = other.map_;
    map_size_ = other.map_size_;
    guard_ = std::move(other.guard_);
    other.map_ = nullptr;
    other.map_size_ = 0;
  }
  return *this;
}

int64_t NpyArray::rows() const {
  fw::check(!header_.shape.empty(), "NpyArray::rows", "'", path_, "' holds a 0-d array, which has no rows");
  return header_.shape[0];
}

int64_t NpyArray::row_numel() const {
  int64_t n = 1;
  for (std::size_t d = 1; d < header_.shape.size(); ++d) n *= header_.shape[d];
  return n;
}

void NpyArray::check_row(int64_t i, const char* op) const {
  fw::check(i >= 0 && i < rows(), op, "row ", i, " is out of range for '", path_, "' with ", rows(), " rows");
}

const char* NpyArray::row_bytes(int64_t i) const {
  const std::size_t row_size = static_cast<std::size_t>(row_numel()) * fw::dtype_size(header_.dtype);
  return static_cast<const char*>(map_) + header_.data_offset + static_cast<std::size_t>(i) * row_size;
}

template <typename T>
const T* NpyArray::row(int64_t i) const {
  check_row(i, "NpyArray::row");
  fw::check(fw::dtype_of<T>::value == header_.dtype, "NpyArray::row", "'", path_, "' holds ",
            fw::dtype_name(header_.dtype), ", the row was requested as ", fw::dtype_name(fw::dtype_of<T>::value));
  fw::check(header_.data_offset % alignof(T) == 0, "NpyArray::row", "the data of '", path_, "' starts at byte ",
            header_.data_offset, ", which is not aligned for ", fw::dtype_name(header_.dtype),
            "; use copy_row or read_rows");
  return reinterpret_cast<const T*>(row_bytes(i));
}

template <typename T>
void NpyArray::copy_row(int64_t i, T* dst) const {
  check_row(i, "NpyArray::copy_row");
  const char* src = row_bytes(i);
  const int64_t n = row_numel();
  if (n == 0) return;  // a row of a [rows, 0, ...] array: nothing to copy, and dst may be null
  if (fw::dtype_of<T>::value == header_.dtype) {
    std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(T));
    return;
  }
  fw::dispatch_floating(header_.dtype, "NpyArray::copy_row", [&]<typename S>() {
    for (int64_t k = 0; k < n; ++k) {
      S v;
      std::memcpy(&v, src + k * sizeof(S), sizeof(S));
      dst[k] = static_cast<T>(v);
    }
  });
}

template const float* NpyArray::row<float>(int64_t) const;
template const double* NpyArray::row<double>(int64_t) const;
template void NpyArray::copy_row<float>(int64_t, float*) const;
template void NpyArray::copy_row<double>(int64_t, double*) const;

fw::Tensor NpyArray::read_rows(int64_t begin, int64_t end, fw::DType out) const {
  fw::check(begin >= 0 && begin <= end && end <= rows(), "NpyArray::read_rows", "rows [", begin, ", ", end,
            ") are out of range for '", path_, "' with ", rows(), " rows");
  fw::Shape shape = header_.shape;
  shape[0] = end - begin;
  fw::Tensor result = fw::Tensor::empty(shape, out);
  const int64_t n = row_numel();
  fw::dispatch_floating(out, "NpyArray::read_rows", [&]<typename T>() {
    T* dst = result.data<T>();
    fw::parallel_for(end - begin, 1, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) copy_row(begin + r, dst + r * n);
    });
  });
  return result;
}

int64_t NpyArray::first_non_finite_row() const {
  const int64_t n = row_numel();
  std::atomic<int64_t> first{std::numeric_limits<int64_t>::max()};
  fw::dispatch_floating(header_.dtype, "NpyArray::first_non_finite_row", [&]<typename T>() {
    fw::parallel_for(rows(), 16, [&](int64_t r0, int64_t r1) {
      // Each chunk stops at its first bad row, or once an earlier bad row is known.
      for (int64_t r = r0; r < r1 && r < first.load(std::memory_order_relaxed); ++r) {
        if (!row_has_non_finite<T>(row_bytes(r), n)) continue;
        int64_t known = first.load();
        while (r < known && !first.compare_exchange_weak(known, r)) {
        }
        break;
      }
    });
  });
  const int64_t found = first.load();
  return found == std::numeric_limits<int64_t>::max() ? -1 : found;
}

void save_npy(const std::string& path, const fw::Tensor& tensor) {
  const std::string header = format_npy_header(tensor.dtype(), tensor.shape());
  const fw::Tensor dense = tensor.detach().contiguous();
  fw::dispatch_floating(dense.dtype(), "save_npy", [&]<typename T>() {
    const auto* data = reinterpret_cast<const char*>(dense.data<T>());
    const auto bytes = static_cast<std::streamsize>(dense.numel() * static_cast<int64_t>(sizeof(T)));
    fw::write_file_atomically(path, [&](std::ostream& out) {
      out.write(header.data(), static_cast<std::streamsize>(header.size()));
      out.write(data, bytes);
    });
  });
}

}  // namespace scan
