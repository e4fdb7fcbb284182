#include "models/scan/visual/split_pictures.h"

#include <filesystem>

#include "framework/core/error.h"
#include "models/scan/eval/ranking.h"
#include "models/scan/visual/image_list.h"

namespace scan {

SplitPictures::SplitPictures(const PreparedModel& prepared, const std::string& split) : prepared_(&prepared) {
  fw::check(prepared.data != nullptr, "SplitPictures", "the model was prepared without a split");
  const std::filesystem::path folder = std::filesystem::path(prepared.opt.data_path) / prepared.opt.data_name;
  num_images_ = prepared.data->size() / kCaptionsPerImage;
  boxes_path_ = (folder / (split + "_boxes.npy")).string();
  images_path_ = image_list_path(prepared.opt.data_path, prepared.opt.data_name, split);
  objects_path_ = (folder / (split + "_objects.json")).string();
  const int64_t feature_rows = prepared.data->images().rows();  // all of the file's, used or not
  if (std::filesystem::exists(boxes_path_)) {
    boxes_ = std::make_unique<NpyArray>(boxes_path_);
    const fw::Shape& shape = boxes_->shape();
    fw::check(shape.size() == 3 && shape[0] == feature_rows && shape[2] == 4, "boxes", "'", boxes_path_,
              "' must hold [", feature_rows, ", R, 4] boxes (one row per row of '", prepared.data->images().path(),
              "'), found ", fw::shape_str(shape));
    fw::check(shape[1] == prepared.data->num_regions(), "boxes", "'", boxes_path_, "' has ", shape[1],
              " boxes per image but the features have ", prepared.data->num_regions(), " regions");
  }
  if (std::filesystem::exists(images_path_)) image_paths_ = read_image_list(images_path_, feature_rows);
}

bool SplitPictures::has_objects() const { return std::filesystem::exists(objects_path_); }

Image SplitPictures::image(int64_t k) const {
  fw::check(has_images(), "images", "the split has no pictures: '", images_path_, "' does not exist");
  fw::check(k >= 0 && k < num_images_, "images", "expected an image from 0 to ", num_images_ - 1, ", got ", k);
  return load_image(image_paths_[prepared_->data->image_row(k * kCaptionsPerImage)]);
}

std::vector<Box> SplitPictures::boxes(int64_t k) const {
  fw::check(has_boxes(), "boxes", "the split has no region boxes: '", boxes_path_, "' does not exist");
  fw::check(k >= 0 && k < num_images_, "boxes", "expected an image from 0 to ", num_images_ - 1, ", got ", k);
  return read_boxes(*boxes_, prepared_->data->image_row(k * kCaptionsPerImage));
}

std::vector<Box> SplitPictures::boxes(int64_t k, const Image& picture) const {
  std::vector<Box> out = boxes(k);
  check_boxes(out, picture.width(), picture.height(), prepared_->data->num_regions(),
              "'" + boxes_path_ + "', image " + std::to_string(k));
  return out;
}

fw::Tensor SplitPictures::features(int64_t k) const {
  fw::check(k >= 0 && k < num_images_, "--index", "expected an image from 0 to ", num_images_ - 1, ", got ", k);
  const int64_t row = prepared_->data->image_row(k * kCaptionsPerImage);
  return prepared_->data->images().read_rows(row, row + 1).select(0, 0);
}

const std::vector<AnnotatedObject>& SplitPictures::objects(int64_t k) const {
  fw::check(k >= 0 && k < num_images_, "objects", "expected an image from 0 to ", num_images_ - 1, ", got ", k);
  if (!objects_) objects_ = load_objects(objects_path_, prepared_->data->images().rows());
  return (*objects_)[prepared_->data->image_row(k * kCaptionsPerImage)];
}

}  // namespace scan
