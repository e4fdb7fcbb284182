#pragma once
// Checkpoints in the safetensors format (docs/formats.md, section "safetensors"):
//   [8-byte little-endian header length N][N bytes of JSON header][raw little-endian tensor data]
// The JSON header maps each tensor name to {"dtype", "shape", "data_offsets"} and may hold a
// "__metadata__" object of string -> string. Files written here pad the header with spaces to
// an 8-byte boundary and store the tensors in sorted name order, back to back.
#include <map>
#include <string>

#include "framework/core/tensor.h"

namespace fw {

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Writes float32/float64/int64 tensors of any layout (stored row-major) and the metadata.
// The file appears atomically (temporary file + rename): a failed save leaves nothing behind.
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Reads and validates a whole file; any departure from the format is an fw::Error naming the
// file and the problem. The tensors are dense, fresh, and do not require grad. F32, F64 and I64
// tensors keep their dtype; F16 and BF16 ones (as other programs write) become float32, exactly.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace fw
