#include "models/scan/options.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "framework/core/error.h"

using scan::ScanOptions;

TEST_CASE("ScanOptions: defaults are those of the original train.py") {
  const ScanOptions o;
  CHECK(o.data_path == "./data/");
  CHECK(o.data_name == "precomp");
  CHECK(o.vocab_path == "./vocab/");
  CHECK(o.margin == 0.2);
  CHECK(o.num_epochs == 30);
  CHECK(o.batch_size == 128);
  CHECK(o.word_dim == 300);
  CHECK(o.embed_size == 1024);
  CHECK(o.grad_clip == 2.0);
  CHECK(o.num_layers == 1);
  CHECK(o.learning_rate == 0.0002);
  CHECK(o.lr_update == 15);
  CHECK(o.workers == 10);
  CHECK(o.log_step == 10);
  CHECK(o.val_step == 500);
  CHECK(o.logger_name == "./runs/runX/log");
  CHECK(o.model_name == "./runs/runX/checkpoint");
  CHECK(o.resume == "");
  CHECK_FALSE(o.max_violation);
  CHECK(o.img_dim == 2048);
  CHECK_FALSE(o.no_imgnorm);
  CHECK_FALSE(o.no_txtnorm);
  CHECK(o.raw_feature_norm == "clipped_l2norm");
  CHECK(o.agg_func == "LogSumExp");
  CHECK(o.cross_attn == "t2i");
  CHECK(o.precomp_enc_type == "basic");
  CHECK_FALSE(o.bi_gru);
  CHECK(o.lambda_lse == 6.0);
  CHECK(o.lambda_softmax == 9.0);
  CHECK(o.vocab_size == 0);
  CHECK(o.seed == 0);
  CHECK(o.threads == 0);
  CHECK(o.device == "cpu");
  CHECK_NOTHROW(o.validate());
}

TEST_CASE("ScanOptions::to_json: one key per flag, under the original names") {
  const nlohmann::json j = ScanOptions{}.to_json();
  std::set<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.insert(key);
  const std::set<std::string> expected{
      "data_path",     "data_name",        "vocab_path", "margin",      "num_epochs",       "batch_size",
      "word_dim",      "embed_size",       "grad_clip",  "num_layers",  "learning_rate",    "lr_update",
      "workers",       "log_step",         "val_step",   "logger_name", "model_name",       "resume",
      "max_violation", "img_dim",          "no_imgnorm", "no_txtnorm",  "raw_feature_norm", "agg_func",
      "cross_attn",    "precomp_enc_type", "bi_gru",     "lambda_lse",  "lambda_softmax",   "vocab_size",
      "seed",          "threads",          "device",     "save_step"};
  CHECK(keys == expected);
  CHECK(j["batch_size"] == 128);
  CHECK(j["learning_rate"] == 0.0002);
  CHECK(j["raw_feature_norm"] == "clipped_l2norm");
  CHECK(j["max_violation"] == false);
  CHECK(j["resume"] == "");
}

TEST_CASE("ScanOptions: JSON round trip of a non-default configuration (COCO i-t LSE)") {
  ScanOptions o;
  o.data_name = "coco_precomp";
  o.max_violation = true;
  o.bi_gru = true;
  o.cross_attn = "i2t";
  o.lambda_lse = 20;
  o.lambda_softmax = 4;
  o.num_epochs = 20;
  o.lr_update = 10;
  o.learning_rate = 5e-4;
  o.vocab_size = 11355;
  o.seed = 18446744073709551615ull;  // the largest uint64 survives the trip
  o.threads = 2;
  o.margin = 0.1 + 0.2;  // not representable in short decimal: must still come back exactly
  const ScanOptions back = ScanOptions::from_json(nlohmann::json::parse(o.to_json().dump()));
  CHECK(back.to_json() == o.to_json());
  CHECK(back.margin == o.margin);
  CHECK(back.seed == o.seed);
  CHECK(back.cross_attn == "i2t");
  CHECK(back.vocab_size == 11355);
}

TEST_CASE("ScanOptions::from_json: missing keys keep the defaults, numbers widen to double") {
  const ScanOptions o = ScanOptions::from_json({{"bi_gru", true}, {"margin", 1}, {"agg_func", "Mean"}});
  CHECK(o.bi_gru);
  CHECK(o.margin == 1.0);
  CHECK(o.agg_func == "Mean");
  CHECK(o.batch_size == 128);
  CHECK(o.lambda_softmax == 9.0);
  CHECK(ScanOptions::from_json(nlohmann::json::object()).to_json() == ScanOptions{}.to_json());
}

TEST_CASE("ScanOptions::from_json: wrong types, out-of-range integers and unknown keys are errors") {
  using nlohmann::json;
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"batch_size", "128"}}),
                       "ScanOptions: option 'batch_size' must be an integer, got \"128\"", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"batch_size", 12.5}}),
                       "ScanOptions: option 'batch_size' must be an integer, got 12.5", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"margin", true}}),
                       "ScanOptions: option 'margin' must be a number, got true", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"bi_gru", 1}}),
                       "ScanOptions: option 'bi_gru' must be true or false, got 1", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"data_name", 3}}),
                       "ScanOptions: option 'data_name' must be a string, got 3", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"embed_size", 4294967296}}),
                       "ScanOptions: option 'embed_size' must be an integer in range, got 4294967296", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"seed", -1}}),
                       "ScanOptions: option 'seed' must be a non-negative integer in range, got -1", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json({{"batch_szie", 64}}),
                       "ScanOptions: unknown option 'batch_szie' (value 64)", fw::Error);
  CHECK_THROWS_WITH_AS(ScanOptions::from_json(json::array({1, 2})),
                       "ScanOptions: expected a JSON object of options, got [1,2]", fw::Error);
  CHECK(ScanOptions::from_json({{"num_layers", -2}}).num_layers == -2);  // parsed; validate() rejects it
}

TEST_CASE("ScanOptions::validate: each bad value is reported with its flag") {
  const auto error_of = [](auto change) {
    ScanOptions o;
    change(o);
    try {
      o.validate();
    } catch (const fw::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of([](ScanOptions& o) { o.batch_size = 0; }) == "ScanOptions: --batch_size must be positive, got 0");
  CHECK(error_of([](ScanOptions& o) { o.embed_size = -4; }) == "ScanOptions: --embed_size must be positive, got -4");
  CHECK(error_of([](ScanOptions& o) { o.num_layers = 0; }) == "ScanOptions: --num_layers must be positive, got 0");
  CHECK(error_of([](ScanOptions& o) { o.img_dim = 0; }) == "ScanOptions: --img_dim must be positive, got 0");
  CHECK(error_of([](ScanOptions& o) { o.val_step = 0; }) == "ScanOptions: --val_step must be positive, got 0");
  CHECK(error_of([](ScanOptions& o) { o.vocab_size = -1; }) ==
        "ScanOptions: --vocab_size must be non-negative (0 = not set yet), got -1");
  CHECK(error_of([](ScanOptions& o) { o.learning_rate = 0; }) ==
        "ScanOptions: --learning_rate must be positive, got 0");
  CHECK(error_of([](ScanOptions& o) { o.margin = -0.5; }) == "ScanOptions: --margin must be non-negative, got -0.5");
  CHECK(error_of([](ScanOptions& o) { o.lambda_softmax = 0; }) ==
        "ScanOptions: --lambda_softmax must be positive, got 0");
  CHECK(error_of([](ScanOptions& o) { o.lambda_lse = 0; }) ==
        "ScanOptions: --lambda_lse must be positive with --agg_func LogSumExp, got 0");
  CHECK(error_of([](ScanOptions& o) { o.raw_feature_norm = "clipped_leaky_l2norm"; }) ==
        "ScanOptions: --raw_feature_norm 'clipped_leaky_l2norm' is not accepted (cross_attention: unknown "
        "raw_feature_norm 'clipped_leaky_l2norm' (accepted: softmax, l2norm, clipped_l2norm, l1norm, "
        "clipped_l1norm, clipped, no_norm))");
  CHECK(error_of([](ScanOptions& o) { o.agg_func = "LSE"; }).find("--agg_func 'LSE' is not accepted") !=
        std::string::npos);
  CHECK(error_of([](ScanOptions& o) { o.cross_attn = "t-i"; }).find("--cross_attn 't-i' is not accepted") !=
        std::string::npos);
  CHECK(error_of([](ScanOptions& o) { o.precomp_enc_type = "backbone"; }) ==
        "ScanOptions: --precomp_enc_type 'backbone' is not accepted (accepted: basic, weight_norm)");
  CHECK(error_of([](ScanOptions& o) { o.device = "gpu"; }) ==
        "ScanOptions: --device 'gpu' is not accepted (accepted: cpu, cuda, cuda:<index>)");
  // λ2 only matters for LogSumExp; the other settings accept any λ2.
  CHECK(error_of([](ScanOptions& o) {
          o.agg_func = "Mean";
          o.lambda_lse = 0;
        }) == "no error");
  CHECK(error_of([](ScanOptions& o) { o.device = "cuda:1"; }) == "no error");
  CHECK(error_of([](ScanOptions& o) { o.grad_clip = 0; }) == "no error");  // <= 0 disables clipping
}

TEST_CASE("ScanOptions::cross_attention: the op's settings from the flags") {
  ScanOptions o;
  fw::CrossAttentionOptions x = o.cross_attention();
  CHECK(x.direction == fw::CrossAttn::T2I);
  CHECK(x.norm == fw::RawFeatureNorm::ClippedL2Norm);
  CHECK(x.agg == fw::Aggregation::LogSumExp);
  CHECK(x.lambda_softmax == 9.0);
  CHECK(x.lambda_lse == 6.0);
  o.cross_attn = "i2t";
  o.raw_feature_norm = "softmax";
  o.agg_func = "Mean";
  o.lambda_softmax = 4;
  o.lambda_lse = 5;
  x = o.cross_attention();
  CHECK(x.direction == fw::CrossAttn::I2T);
  CHECK(x.norm == fw::RawFeatureNorm::Softmax);
  CHECK(x.agg == fw::Aggregation::Mean);
  CHECK(x.lambda_softmax == 4.0);
  CHECK(x.lambda_lse == 5.0);
}
