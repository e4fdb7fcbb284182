#include "models/scan/train/data_checks.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/vocab.h"

namespace scan {

namespace {

constexpr const char* kOp = "scan train";
constexpr int64_t kCaptionsPerImage = 5;

void check_captions(const ScanOptions& opt, const CaptionImageSource& data, const std::string& split) {
  for (int64_t item = 0; item < data.size(); ++item) {
    const std::span<const int64_t> ids = data.caption(item);
    fw::check(ids.size() >= 2 && ids.front() == Vocabulary::kStart && ids.back() == Vocabulary::kEnd, kOp, "the ",
              split, " split: caption ", item, " is not <start> words... <end> (", ids.size(),
              " ids); expected every caption to begin with id ", Vocabulary::kStart, " and end with id ",
              Vocabulary::kEnd);
    for (const int64_t id : ids)
      fw::check(id >= 0 && id < opt.vocab_size, kOp, "the ", split, " split: caption ", item, " holds word id ", id,
                ", outside the vocabulary of ", opt.vocab_size, " words");
  }
}

// The first image row with a NaN or an infinity, or -1; reads the rows through the interface in
// blocks, for sources other than PrecompDataset (which scans its mapped file in place).
int64_t first_non_finite_row(const CaptionImageSource& data) {
  constexpr int64_t kBlock = 64;
  const int64_t row_numel = data.num_regions() * data.img_dim();
  std::vector<float> values;
  for (int64_t begin = 0; begin < data.num_images(); begin += kBlock) {
    const int64_t end = std::min(begin + kBlock, data.num_images());
    std::vector<int64_t> rows(static_cast<std::size_t>(end - begin));
    for (int64_t r = begin; r < end; ++r) rows[r - begin] = r;
    values.resize(static_cast<std::size_t>((end - begin) * row_numel));
    data.copy_image_rows(rows, values.data());
    const auto bad = std::find_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); });
    if (bad != values.end()) return begin + (bad - values.begin()) / row_numel;
  }
  return -1;
}

void check_features_finite(const CaptionImageSource& data, const std::string& split) {
  if (const auto* precomp = dynamic_cast<const PrecompDataset*>(&data)) {
    precomp->check_features_finite();
    return;
  }
  const int64_t row = first_non_finite_row(data);
  fw::check(row < 0, kOp, "the ", split, " split: image row ", row,
            " holds a NaN or an infinity (expected finite region features)");
}

// Everything but the feature scan.
void check_shape_and_captions(const ScanOptions& opt, const CaptionImageSource& data, const std::string& split) {
  fw::check(data.size() > 0, kOp, "the ", split, " split has no captions");
  fw::check(data.img_dim() == opt.img_dim, kOp, "the ", split, " split has ", data.img_dim(),
            "-dimensional region features but --img_dim is ", opt.img_dim, " (pass --img_dim ", data.img_dim(),
            " to train on this data)");
  fw::check(opt.vocab_size > 0, kOp, "the vocabulary size is not set (expected vocab_size > 0)");
  check_captions(opt, data, split);
}

}  // namespace

void check_split(const ScanOptions& opt, const CaptionImageSource& data, const std::string& split) {
  check_shape_and_captions(opt, data, split);
  check_features_finite(data, split);
}

std::vector<std::string> training_data_warnings(const ScanOptions& opt, const CaptionImageSource& train,
                                                const CaptionImageSource& dev) {
  std::vector<std::string> warnings;
  if (opt.batch_size == 1)
    warnings.push_back("warning: --batch_size 1 puts no negative in a batch: the contrastive loss is 0 and nothing "
                       "is learned");
  for (const auto& [data, split] : {std::pair{&train, "train"}, std::pair{&dev, "dev"}}) {
    bool any_known = false;
    for (int64_t item = 0; item < data->size() && !any_known; ++item) {
      const std::span<const int64_t> ids = data->caption(item);
      any_known = std::any_of(ids.begin(), ids.end(), [](int64_t id) { return id > Vocabulary::kUnk; });
    }
    if (!any_known && data->size() > 0)
      warnings.push_back(std::string("warning: every word of the ") + split +
                         " captions is unknown to the vocabulary (<unk>): is --vocab_path / --data_name the "
                         "vocabulary of this data?");
  }
  return warnings;
}

void check_training_data(const ScanOptions& opt, const CaptionImageSource& train, const CaptionImageSource& dev) {
  check_shape_and_captions(opt, train, "train");
  check_shape_and_captions(opt, dev, "dev");
  fw::check(dev.num_regions() == train.num_regions(), kOp, "the dev split has ", dev.num_regions(),
            " regions per image but the train split has ", train.num_regions());
  fw::check(dev.size() % kCaptionsPerImage == 0, kOp, "the dev split has ", dev.size(),
            " captions; validation expects ", kCaptionsPerImage, " captions per image (a multiple of ",
            kCaptionsPerImage, ")");
  check_features_finite(train, "train");
  check_features_finite(dev, "dev");
}

}  // namespace scan
