#include "models/scan/train/demo.h"

#include <algorithm>

namespace scan {

ScanOptions demo_options() {
  ScanOptions opt;
  opt.num_epochs = 6;
  opt.batch_size = 128;
  opt.word_dim = 64;
  opt.embed_size = 128;
  opt.img_dim = 256;
  opt.learning_rate = 0.0005;
  opt.lr_update = 3;
  opt.max_violation = true;
  opt.bi_gru = true;
  opt.logger_name = "./runs/demo/log";
  opt.model_name = "./runs/demo/checkpoint";
  return opt;
}

PictureConfig demo_data_config(const ScanOptions& opt) {
  PictureConfig config;
  config.img_dim = opt.img_dim;
  return config;
}

double chance_rsum(int64_t n_images) {
  const double n = static_cast<double>(n_images);
  double rsum = 0;
  for (const int64_t k : {1, 5, 10}) {
    const int64_t kk = std::min<int64_t>(k, n_images);
    rsum += 100.0 * static_cast<double>(kk) / n;  // text→image
    // image→text: P(no relevant caption in the top K) = prod_{j<K} (5n - 5 - j) / (5n - j)
    double none = 1;
    for (int64_t j = 0; j < std::min<int64_t>(k, 5 * n_images); ++j) none *= std::max(0.0, 5 * n - 5 - j) / (5 * n - j);
    rsum += 100.0 * (1 - none);
  }
  return rsum;
}

}  // namespace scan
