#pragma once
// A split's encoding (encode_split) kept in a file, so that one query (`scan search`) scores a
// split's images or captions in a fraction of a second instead of encoding them first.
// The file is a safetensors file with "images" [n_img, R, d], "captions" [n_cap, L, d], "lengths"
// [n_cap] and a metadata key "source": the checkpoint, feature and caption files with their
// sizes and modification times, and the vocabulary's. A cache whose key differs (another
// checkpoint, retrained weights, another vocabulary, regenerated features) or whose shapes do not
// fit the split is re-encoded and rewritten, atomically.
//   Embeddings e = cached_encoding(prepared, "runs/demo/test.encoding.safetensors", &std::cerr);
#include <ostream>
#include <string>

#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/prepared_model.h"

namespace scan {

// What identifies an encoding: the checkpoint's, vocabulary's, features' and captions' path, size
// and modification time.
std::string encoding_key(const PreparedModel& prepared);

// "<checkpoint without .safetensors>.<split>.encoding.safetensors", beside the checkpoint.
std::string default_encoding_cache(const std::string& checkpoint, const std::string& split);

// Loads `cache_path` when its key matches; otherwise encodes prepared.data and writes the cache.
// `log` (if not null) is told which happened.
Embeddings cached_encoding(const PreparedModel& prepared, const std::string& cache_path, std::ostream* log);

}  // namespace scan
