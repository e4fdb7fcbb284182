#pragma once
// What a split holds for the pictures of `scan attend`, `scan search` and `scan report`, beside
// its features and captions (every file optional, opened when present):
//   <data_path>/<data_name>/<split>_boxes.npy     [N, R, 4] region boxes (boxes.h)
//   <data_path>/<data_name>/<split>_images.txt    the pictures (image_list.h)
//   <data_path>/<data_name>/<split>_objects.json  object annotations (pointing.h)
// Each file has one entry per row of <split>_ims.npy. Image k here is an evaluation image, the one
// of captions 5k..5k+4: row image_row(5k) of those files (row k with 5 captions per stored image,
// row 5k with one image row per caption, as Flickr30K's dev).
//   SplitPictures pictures(prepared, "test");
//   if (pictures.has_images()) { Image im = pictures.image(7); auto boxes = pictures.boxes(7, im); }
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/eval/prepared_model.h"
#include "models/scan/visual/boxes.h"
#include "models/scan/visual/image.h"
#include "models/scan/visual/pointing.h"

namespace scan {

class SplitPictures {
 public:
  // `prepared` must have its split open. Files that exist are checked (box count and region count,
  // list length); an error names the file.
  SplitPictures(const PreparedModel& prepared, const std::string& split);

  int64_t num_images() const { return num_images_; }
  bool has_boxes() const { return boxes_ != nullptr; }
  bool has_images() const { return !image_paths_.empty(); }
  bool has_objects() const;
  const std::string& boxes_path() const { return boxes_path_; }
  const std::string& images_path() const { return images_path_; }
  const std::string& objects_path() const { return objects_path_; }

  // Image row k's picture (load_image), boxes (checked against `picture`'s size) and region
  // features [R, img_dim]. fw::Error naming the missing file when the split lacks it.
  Image image(int64_t k) const;
  std::vector<Box> boxes(int64_t k, const Image& picture) const;
  std::vector<Box> boxes(int64_t k) const;  // unchecked against a picture
  fw::Tensor features(int64_t k) const;
  // The annotations of image k (the file is loaded on first use).
  const std::vector<AnnotatedObject>& objects(int64_t k) const;

 private:
  const PreparedModel* prepared_;
  int64_t num_images_ = 0;
  std::string boxes_path_, images_path_, objects_path_;
  std::unique_ptr<NpyArray> boxes_;
  std::vector<std::string> image_paths_;
  mutable std::optional<std::vector<std::vector<AnnotatedObject>>> objects_;
};

}  // namespace scan
