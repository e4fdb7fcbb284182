#include "models/scan/pictures/picture_dataset_writer.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/io/atomic_file.h"
#include "models/scan/data/npy.h"
#include "models/scan/pictures/picture_words.h"

namespace scan {

namespace {

namespace fs = std::filesystem;

std::string picture_file_name(int64_t image) {
  char name[32];
  std::snprintf(name, sizeof(name), "%05lld.png", static_cast<long long>(image));
  return name;
}

// The PNGs of every image row, encoded and written in parallel; the first error is rethrown here
// (an exception may not leave an OpenMP region).
void write_pictures(const PictureSplit& split, const fs::path& folder) {
  fs::create_directories(folder);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(split.num_images()));
  fw::parallel_for(split.num_images(), 8, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      try {
        write_png(split.render(i), (folder / picture_file_name(i)).string());
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  });
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
}

std::string lines(const std::vector<std::string>& texts) {
  std::string text;
  for (const std::string& line : texts) text += line + "\n";
  return text;
}

}  // namespace

std::string picture_objects_json(const PictureSplit& split) {
  nlohmann::json images = nlohmann::json::array();
  for (const PictureScene& scene : split.scenes()) {
    nlohmann::json objects = nlohmann::json::array();
    for (const PictureObject& object : scene.objects)
      objects.push_back({{"name", shape_words().at(object.shape)},
                         {"attributes", {size_words().at(object.size), colour_words().at(object.colour)}},
                         {"box", {object.box[0], object.box[1], object.box[2], object.box[3]}}});
    images.push_back({{"objects", std::move(objects)}});
  }
  return nlohmann::json{{"images", std::move(images)}}.dump() + "\n";
}

void write_picture_dataset(const PictureConfig& config, const std::string& out_dir, const std::string& data_name,
                           const std::vector<std::string>& image_splits) {
  constexpr const char* op = "write_picture_dataset";
  config.validate();
  fw::check(!data_name.empty(), op, "expected a non-empty data_name");
  for (const std::string& split : image_splits) picture_split_index(split, op);
  const fs::path folder = fs::path(out_dir) / data_name;
  const fs::path vocab_folder = fs::path(out_dir) / "vocab";
  fs::create_directories(folder);
  fs::create_directories(vocab_folder);
  for (const char* name : {"train", "dev", "test"}) {
    const std::string split(name);
    const PictureSplit data = make_picture_split(config, split);
    // An earlier dataset's picture list goes first, so that it never pairs old pictures with the
    // new features (the list is written again last, after the pictures, when they are asked for).
    fs::remove(folder / (split + "_images.txt"));
    save_npy((folder / (split + "_ims.npy")).string(), data.features());
    save_npy((folder / (split + "_boxes.npy")).string(), data.boxes());
    fw::write_file_atomically((folder / (split + "_caps.txt")).string(), lines(data.caption_texts()));
    fw::write_file_atomically((folder / (split + "_objects.json")).string(), picture_objects_json(data));
    const fs::path relative = fs::path("images") / split;
    if (std::find(image_splits.begin(), image_splits.end(), split) == image_splits.end()) {
      fs::remove_all(folder / relative);  // an earlier run's pictures of this split
      continue;
    }
    write_pictures(data, folder / relative);
    std::vector<std::string> paths;
    for (int64_t i = 0; i < data.num_images(); ++i) paths.push_back((relative / picture_file_name(i)).string());
    fw::write_file_atomically((folder / (split + "_images.txt")).string(), lines(paths));
  }
  picture_vocabulary().save((vocab_folder / (data_name + "_vocab.json")).string());
}

}  // namespace scan
