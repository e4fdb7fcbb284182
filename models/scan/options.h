#pragma once
// Every option of the original train.py under its original flag name and default
// (the original train.py), plus --seed, --threads and --device. The JSON form (to_json/from_json)
// uses the flag names as keys; it is what checkpoints store under the metadata key "opt".
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "framework/ops/cross_attention.h"

namespace scan {

struct ScanOptions {
  std::string data_path = "./data/", data_name = "precomp", vocab_path = "./vocab/";
  double margin = 0.2;
  int num_epochs = 30;
  int batch_size = 128;
  int word_dim = 300;
  int embed_size = 1024;
  double grad_clip = 2.0;  // <= 0 disables clipping
  int num_layers = 1;
  double learning_rate = 0.0002;
  int lr_update = 15;
  int workers = 10;  // accepted for compatibility; the original ignores it too
  int log_step = 10;
  int val_step = 500;
  std::string logger_name = "./runs/runX/log", model_name = "./runs/runX/checkpoint", resume = "";
  bool max_violation = false;
  int img_dim = 2048;
  bool no_imgnorm = false, no_txtnorm = false;
  std::string raw_feature_norm = "clipped_l2norm", agg_func = "LogSumExp", cross_attn = "t2i",
              precomp_enc_type = "basic";
  bool bi_gru = false;
  double lambda_lse = 6.0, lambda_softmax = 9.0;
  int64_t vocab_size = 0;  // set at run time from the vocabulary (0 = not known yet)
  uint64_t seed = 0;
  int threads = 0;  // 0 = the runtime's default
  std::string device = "cpu";
  int save_step = 0;  // > 0: a resumable mid-epoch checkpoint every save_step iterations (not in the original)

  // Every option, keyed by its flag name.
  nlohmann::json to_json() const;
  // Reads a JSON object produced by to_json (or written by hand). Missing keys keep their
  // defaults; a value of the wrong JSON type, an integer out of range, an unknown key or a
  // non-object is an fw::Error naming the key and the value. Does not call validate().
  static ScanOptions from_json(const nlohmann::json& json);

  // Throws fw::Error naming the flag, its value and what is accepted: positive sizes and
  // counts, a positive learning rate, margin >= 0, the accepted spellings of raw_feature_norm,
  // agg_func, cross_attn (fw::parse_*) and precomp_enc_type (basic, weight_norm), lambda_lse > 0
  // with LogSumExp, lambda_softmax > 0, finite numbers, device "cpu", "cuda" or "cuda:<n>".
  void validate() const;

  // The cross attention settings (cross_attn, raw_feature_norm, agg_func, lambda_softmax, lambda_lse).
  fw::CrossAttentionOptions cross_attention() const;
};

}  // namespace scan
