#pragma once
// NumPy .npy arrays on disk (format: npy_header.h).
// NpyArray memory-maps the file read-only, so a 33 GB feature array (COCO train, 113,287 x 36 x
// 2048 float32) is paged in on demand instead of loaded into RAM. Rows are slices along the first
// axis: row i of a [N, 36, 2048] array holds 36 x 2048 values.
//   NpyArray ims("data/f30k_precomp/test_ims.npy");       // shape [1000, 36, 2048], float32
//   const float* regions = ims.row<float>(7);             // 36 * 2048 floats, no copy
//   fw::Tensor first = ims.read_rows(0, 128);             // [128, 36, 2048] float32 copy
// save_npy writes what np.save writes (version 1.0 header, data 64-byte aligned), atomically.
#include <cstdint>
#include <string>

#include "framework/core/tensor.h"
#include "models/scan/data/mapped_file_guard.h"
#include "models/scan/data/npy_header.h"

namespace scan {

class NpyArray {
 public:
  // Maps `path` and checks its header and size; throws fw::Error naming the file on any problem.
  explicit NpyArray(const std::string& path);
  ~NpyArray();
  NpyArray(NpyArray&& other) noexcept;
  NpyArray& operator=(NpyArray&& other) noexcept;
  NpyArray(const NpyArray&) = delete;
  NpyArray& operator=(const NpyArray&) = delete;

  const std::string& path() const { return path_; }
  const fw::Shape& shape() const { return header_.shape; }
  fw::DType dtype() const { return header_.dtype; }
  int format_major() const { return header_.major; }
  int64_t numel() const { return fw::numel(header_.shape); }
  int64_t rows() const;       // shape[0]; an error for a 0-d array
  int64_t row_numel() const;  // product of shape[1:]

  // Row i in place. T must match dtype(); the pointer lives as long as this NpyArray.
  template <typename T>
  const T* row(int64_t i) const;
  // Copies row i into dst (row_numel() values), converting to T (float or double).
  template <typename T>
  void copy_row(int64_t i, T* dst) const;
  // Rows [begin, end) as a new dense tensor [end - begin, shape[1:]...] of dtype `out`.
  fw::Tensor read_rows(int64_t begin, int64_t end, fw::DType out = fw::DType::Float32) const;
  // The smallest row index holding a NaN or an infinity, or -1 if all values are finite. Rows are
  // scanned in parallel.
  int64_t first_non_finite_row() const;

 private:
  void check_row(int64_t i, const char* op) const;
  const char* row_bytes(int64_t i) const;

  std::string path_;
  NpyHeader header_;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  MappedFileGuard guard_;  // a SIGBUS in the mapping (the file shrank) becomes a message naming it
};

// Writes a float32 or float64 tensor (any layout) as a C-order .npy file, atomically.
void save_npy(const std::string& path, const fw::Tensor& tensor);

}  // namespace scan
