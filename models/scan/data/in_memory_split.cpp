#include "models/scan/data/in_memory_split.h"

#include <cstring>
#include <utility>

#include "framework/core/error.h"

namespace scan {

InMemorySplit::InMemorySplit(const char* kind, std::string name, Vocabulary vocab, fw::Tensor features,
                             std::vector<std::string> captions)
    : kind_(kind),
      name_(std::move(name)),
      vocab_(std::move(vocab)),
      features_(std::move(features)),
      captions_(std::move(captions)) {
  fw::check(features_.dtype() == fw::DType::Float32 && features_.is_contiguous() && features_.dim() == 3, kind_,
            "expected contiguous float32 features [images, regions, img_dim], got ", fw::shape_str(features_.shape()));
  const int64_t n = features_.shape()[0];
  fw::check(size() == kCaptionsPerImage * n, kind_, "expected ", kCaptionsPerImage, " captions per image (",
            kCaptionsPerImage * n, "), got ", size());
  offsets_.push_back(0);
  for (const std::string& text : captions_) {
    const std::vector<int64_t> ids = vocab_.encode_caption(text);
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    offsets_.push_back(static_cast<int64_t>(ids_.size()));
  }
}

int64_t InMemorySplit::image_row(int64_t item) const {
  fw::check(item >= 0 && item < size(), kind_, "item ", item, " is outside 0..", size() - 1);
  return item / kCaptionsPerImage;
}

std::span<const int64_t> InMemorySplit::caption(int64_t item) const {
  fw::check(item >= 0 && item < size(), kind_, "item ", item, " is outside 0..", size() - 1);
  const auto begin = static_cast<std::size_t>(offsets_[item]);
  return {ids_.data() + begin, static_cast<std::size_t>(offsets_[item + 1]) - begin};
}

void InMemorySplit::check_image(int64_t image) const {
  fw::check(image >= 0 && image < num_images(), kind_, "image row ", image, " is outside 0..", num_images() - 1);
}

void InMemorySplit::copy_image_rows(const std::vector<int64_t>& rows, float* out) const {
  const int64_t row_numel = num_regions() * img_dim();
  const float* features = features_.data<float>();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    check_image(rows[i]);
    std::memcpy(out + static_cast<int64_t>(i) * row_numel, features + rows[i] * row_numel,
                sizeof(float) * static_cast<std::size_t>(row_numel));
  }
}

}  // namespace scan
