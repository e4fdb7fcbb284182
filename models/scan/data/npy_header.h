#pragma once
// The header of a NumPy .npy file (format versions 1.0, 2.0, 3.0):
//   bytes 0-5   magic "\x93NUMPY"
//   bytes 6-7   version major, minor (1.0, 2.0 or 3.0)
//   then        header length: uint16 little-endian (1.0) or uint32 little-endian (2.0, 3.0)
//   then        the header: a Python dict literal, latin-1 (1.0, 2.0) or UTF-8 (3.0), e.g.
//               {'descr': '<f4', 'fortran_order': False, 'shape': (1000, 36, 2048), }
//               padded with spaces and ended by '\n'
//   then        the array data, C order.
// Only little-endian float32 ('<f4') and float64 ('<f8') arrays in C order are accepted.
#include <cstdint>
#include <string>
#include <string_view>

#include "framework/core/dtype.h"
#include "framework/core/shape.h"

namespace scan {

struct NpyHeader {
  int major = 1, minor = 0;
  fw::DType dtype = fw::DType::Float32;
  fw::Shape shape;
  std::size_t data_offset = 0;  // bytes from the start of the file to the array data
};

// Parses the preamble and header dict at the start of `file` (at least the header bytes; the data
// may follow). `path` only names the file in error messages.
NpyHeader parse_npy_header(std::string_view file, const std::string& path);

// The bytes numpy 1.24's np.save writes before the data of a C-order array: version 1.0 (2.0 if
// the dict is longer than 65,535 bytes), the dict with 21 - len(str(shape[0])) spare spaces, then
// spaces and '\n' so that the data starts at a multiple of 64 bytes.
std::string format_npy_header(fw::DType dtype, const fw::Shape& shape);

}  // namespace scan
