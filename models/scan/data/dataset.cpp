#include "models/scan/data/dataset.h"

#include <algorithm>
#include <filesystem>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "models/scan/data/captions.h"

namespace scan {

namespace {

constexpr const char* kOp = "PrecompDataset";

std::string folder_of(const std::string& data_path, const std::string& data_name) {
  return (std::filesystem::path(data_path) / data_name).string();
}

std::string split_file(const std::string& folder, const std::string& split, const char* suffix) {
  return (std::filesystem::path(folder) / (split + suffix)).string();
}

// Opens the features after checking that both files of the split exist, naming every missing one.
NpyArray open_split(const std::string& folder, const std::string& split) {
  const std::string ims = split_file(folder, split, "_ims.npy");
  const std::string caps = split_file(folder, split, "_caps.txt");
  std::string missing;
  for (const std::string& file : {ims, caps}) {
    std::error_code error;
    const auto status = std::filesystem::status(file, error);
    fw::check(!std::filesystem::exists(status) || std::filesystem::is_regular_file(status), kOp, "split '", split,
              "': '", file, "' is ", std::filesystem::is_directory(status) ? "a directory" : "not a regular file",
              ", expected a file");
    if (!std::filesystem::is_regular_file(status)) missing += (missing.empty() ? "'" : ", '") + file + "'";
  }
  fw::check(missing.empty(), kOp, "split '", split, "': missing ", missing,
            std::filesystem::is_directory(folder) ? "" : " (the folder '" + folder + "' does not exist)",
            "; expected <data_path>/<data_name>/", split, "_ims.npy and ", split, "_caps.txt");
  return NpyArray(ims);
}

}  // namespace

PrecompDataset::PrecompDataset(const std::string& data_path, const std::string& data_name, const std::string& split,
                               const Vocabulary& vocab, int64_t expected_img_dim)
    : images_(open_split(folder_of(data_path, data_name), split)),
      captions_path_(split_file(folder_of(data_path, data_name), split, "_caps.txt")) {
  const fw::Shape& shape = images_.shape();
  fw::check(shape.size() == 3 && shape[0] > 0 && shape[1] > 0 && shape[2] > 0, kOp, "'", images_.path(),
            "': expected a 3-D array [images, regions, img_dim] with no empty dimension, found shape ",
            fw::shape_str(shape));
  fw::check(expected_img_dim <= 0 || shape[2] == expected_img_dim, kOp, "'", images_.path(), "': expected img_dim ",
            expected_img_dim, " (--img_dim), found ", shape[2], " (shape ", fw::shape_str(shape), ")");

  const std::vector<std::string> captions = read_captions(captions_path_);
  captions_in_file_ = static_cast<int64_t>(captions.size());
  const int64_t rows = shape[0];
  // The original sets im_div = 5 whenever the counts differ; anything but 1x or 5x is an error here.
  fw::check(captions_in_file_ == rows || captions_in_file_ == 5 * rows, kOp, "'", captions_path_, "' has ",
            captions_in_file_, " captions but '", images_.path(), "' has ", rows, " image rows; expected ", rows,
            " (one caption per row) or ", 5 * rows, " (5 captions per image)");
  im_div_ = captions_in_file_ == rows ? 1 : 5;
  const int64_t items = split == "dev" ? std::min(captions_in_file_, kDevCaptions) : captions_in_file_;

  std::vector<std::vector<int64_t>> encoded(static_cast<std::size_t>(items));
  fw::parallel_for(items, 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) encoded[i] = vocab.encode_caption(captions[i]);
  });
  for (int64_t i = 0; i < items; ++i)
    fw::check(static_cast<int64_t>(encoded[i].size()) <= kMaxCaptionTokens, kOp, "'", captions_path_, "' line ", i + 1,
              ": a caption of ", encoded[i].size(), " tokens (with <start> and <end>); at most ", kMaxCaptionTokens,
              " are accepted (real captions have fewer than 100)");
  offsets_.reserve(static_cast<std::size_t>(items) + 1);
  offsets_.push_back(0);
  for (const auto& ids : encoded) {
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    offsets_.push_back(static_cast<int64_t>(ids_.size()));
  }
}

int64_t PrecompDataset::image_row(int64_t item) const {
  fw::check(item >= 0 && item < size(), kOp, "item ", item, " is outside 0..", size() - 1);
  return item / im_div_;
}

std::span<const int64_t> PrecompDataset::caption(int64_t item) const {
  fw::check(item >= 0 && item < size(), kOp, "item ", item, " is outside 0..", size() - 1);
  const auto begin = static_cast<std::size_t>(offsets_[item]);
  return {ids_.data() + begin, static_cast<std::size_t>(offsets_[item + 1]) - begin};
}

void PrecompDataset::copy_image_rows(const std::vector<int64_t>& rows, float* out) const {
  for (int64_t row : rows)
    fw::check(row >= 0 && row < num_images(), kOp, "image row ", row, " is outside 0..", num_images() - 1);
  const int64_t row_numel = images_.row_numel();
  fw::parallel_for(static_cast<int64_t>(rows.size()), 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) images_.copy_row(rows[i], out + i * row_numel);
  });
}

void PrecompDataset::check_features_finite() const {
  const int64_t row = images_.first_non_finite_row();
  fw::check(row < 0, kOp, "'", images_.path(), "': image row ", row, " holds a NaN or an infinity (expected finite",
            " region features; captions ", row * im_div_, "..", row * im_div_ + im_div_ - 1, " use this row)");
}

}  // namespace scan
