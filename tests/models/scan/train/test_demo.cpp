// The built-in demo's configuration and the chance level its recalls are compared with.
#include <doctest/doctest.h>

#include "models/scan/train/demo.h"

TEST_CASE("chance_rsum: hand-computed values") {
  // One image: every recall is 100.
  CHECK(scan::chance_rsum(1) == doctest::Approx(600));
  // Two images, 10 captions: text→image 50 + 100 + 100; image→text R@1 = 5/10, R@5 = 1 - 1/C(10,5),
  // R@10 = 100.
  CHECK(scan::chance_rsum(2) == doctest::Approx(250 + 50 + 100 * (1 - 1.0 / 252) + 100));
  // 100 images: text→image 1 + 5 + 10; image→text 1 + 4.9... + 9.6... (5 relevant among 500).
  CHECK(scan::chance_rsum(100) == doctest::Approx(31.5654).epsilon(1e-5));
}

TEST_CASE("demo_options: a valid small t-i configuration that matches its picture dataset") {
  const scan::ScanOptions opt = scan::demo_options();
  CHECK_NOTHROW(opt.validate());
  CHECK(opt.bi_gru);
  CHECK(opt.max_violation);
  CHECK(opt.cross_attn == "t2i");
  CHECK(opt.raw_feature_norm == "clipped_l2norm");
  CHECK(opt.logger_name == "./runs/demo/log");
  CHECK(opt.model_name == "./runs/demo/checkpoint");
  const scan::PictureConfig config = scan::demo_data_config(opt);
  CHECK_NOTHROW(config.validate());
  CHECK(config.img_dim == opt.img_dim);
  scan::ScanOptions wider = opt;
  wider.img_dim = 32;
  CHECK(scan::demo_data_config(wider).img_dim == 32);
}
