#include "models/scan/eval/encoding_cache.h"

#include <chrono>
#include <filesystem>
#include <sstream>

#include "framework/core/error.h"
#include "framework/io/safetensors.h"
#include "models/scan/eval/ranking.h"

namespace scan {

namespace {

std::string describe_file(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  const auto time = std::filesystem::last_write_time(path, error);
  std::ostringstream text;
  text << std::filesystem::absolute(path).string() << " " << (error ? 0 : size) << " "
       << (error ? 0 : time.time_since_epoch().count());
  return text.str();
}

}  // namespace

std::string encoding_key(const PreparedModel& prepared) {
  fw::check(prepared.data != nullptr, "encoding_key", "the prepared model has no split");
  return "checkpoint " + describe_file(prepared.checkpoint) + "; vocabulary " + describe_file(prepared.vocab_file) +
         "; features " + describe_file(prepared.data->images().path()) + "; captions " +
         describe_file(prepared.data->captions_path());
}

std::string default_encoding_cache(const std::string& checkpoint, const std::string& split) {
  std::filesystem::path path(checkpoint);
  if (path.extension() == ".safetensors") path.replace_extension();
  return path.string() + "." + split + ".encoding.safetensors";
}

Embeddings cached_encoding(const PreparedModel& prepared, const std::string& cache_path, std::ostream* log) {
  const std::string key = encoding_key(prepared);
  if (std::filesystem::is_regular_file(cache_path)) {
    try {
      fw::SafetensorsFile file = fw::load_safetensors(cache_path);
      const auto source = file.metadata.find("source");
      if (source != file.metadata.end() && source->second == key && file.tensors.count("images") &&
          file.tensors.count("captions") && file.tensors.count("lengths")) {
        Embeddings cached;
        cached.images = file.tensors["images"];
        cached.captions = file.tensors["captions"];
        cached.lengths = file.tensors["lengths"].to_vector<int64_t>();
        const int64_t captions = prepared.data->size();
        const bool fits = cached.images.dim() == 3 && cached.captions.dim() == 3 &&
                          cached.images.size(0) * kCaptionsPerImage == captions &&
                          cached.captions.size(0) == captions && static_cast<int64_t>(cached.lengths.size()) == captions;
        if (fits) {
          if (log) *log << "encoding: read " << cache_path << "\n";
          return cached;
        }
      }
    } catch (const fw::Error& e) {
      if (log) *log << "encoding: ignoring " << cache_path << " (" << e.what() << ")\n";
    }
  }
  const auto start = std::chrono::steady_clock::now();
  Embeddings encoded = encode_split(*prepared.model, *prepared.data, prepared.opt.batch_size);
  const fw::Tensor lengths =
      fw::Tensor::from_vector(encoded.lengths, {static_cast<int64_t>(encoded.lengths.size())});
  fw::save_safetensors(cache_path, {{"images", encoded.images}, {"captions", encoded.captions}, {"lengths", lengths}},
                       {{"source", key}});
  if (log)
    *log << "encoding: encoded " << encoded.num_images() << " images and " << encoded.num_captions() << " captions in "
         << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s, wrote "
         << cache_path << "\n";
  return encoded;
}

}  // namespace scan
