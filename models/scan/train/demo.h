#pragma once
// The built-in demo: `scan train` without --data_path trains a small SCAN on the built-in
// synthetic picture dataset (models/scan/pictures/picture_split.h: shapes rendered from pixels,
// 36 region boxes each, features computed from the pixels) in about two and a half minutes on two
// cores.
// Its options differ from the original defaults in size and schedule (word_dim 64, embed_size 128,
// img_dim 256; 6 epochs at learning rate 5e-4, divided by 10 after epoch 3) and follow the README's
// t-i LSE configuration otherwise: bi_gru, max_violation, cross_attn t2i, raw_feature_norm
// clipped_l2norm, agg_func LogSumExp, lambda_softmax 9, lambda_lse 6, batch_size 128, margin 0.2.
// Checkpoints go to ./runs/demo/checkpoint, the metrics log to ./runs/demo/log, the dataset to
// ./runs/demo/data and the report page (models/scan/visual/report_writer.h) to ./runs/demo/report.
#include <cstdint>
#include <string>

#include "models/scan/options.h"
#include "models/scan/pictures/picture_config.h"

namespace scan {

// The demo's options; flags given on the command line override them.
ScanOptions demo_options();
// The picture dataset of the demo, with region features of opt.img_dim values.
PictureConfig demo_data_config(const ScanOptions& opt);

// The expected rsum of a model that scores at random, on n_images images with 5 captions each:
//   text→image R@K = 100 K / n                    (one relevant image among n)
//   image→text R@K = 100 (1 - C(5n-5, K) / C(5n, K))   (at least one of 5 relevant captions in the top K)
double chance_rsum(int64_t n_images);

}  // namespace scan
