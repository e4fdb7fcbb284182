#include "models/scan/options.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "models/scan/model/cross_attention_flags.h"

namespace scan {

namespace {

// Calls f(flag name, field) for every option, in the order of the original train.py, then the
// additions. Opt is ScanOptions or const ScanOptions.
template <typename Opt, typename F>
void for_each_option(Opt& o, F&& f) {
  f("data_path", o.data_path);
  f("data_name", o.data_name);
  f("vocab_path", o.vocab_path);
  f("margin", o.margin);
  f("num_epochs", o.num_epochs);
  f("batch_size", o.batch_size);
  f("word_dim", o.word_dim);
  f("embed_size", o.embed_size);
  f("grad_clip", o.grad_clip);
  f("num_layers", o.num_layers);
  f("learning_rate", o.learning_rate);
  f("lr_update", o.lr_update);
  f("workers", o.workers);
  f("log_step", o.log_step);
  f("val_step", o.val_step);
  f("logger_name", o.logger_name);
  f("model_name", o.model_name);
  f("resume", o.resume);
  f("max_violation", o.max_violation);
  f("img_dim", o.img_dim);
  f("no_imgnorm", o.no_imgnorm);
  f("no_txtnorm", o.no_txtnorm);
  f("raw_feature_norm", o.raw_feature_norm);
  f("agg_func", o.agg_func);
  f("cross_attn", o.cross_attn);
  f("precomp_enc_type", o.precomp_enc_type);
  f("bi_gru", o.bi_gru);
  f("lambda_lse", o.lambda_lse);
  f("lambda_softmax", o.lambda_softmax);
  f("vocab_size", o.vocab_size);
  f("seed", o.seed);
  f("threads", o.threads);
  f("device", o.device);
  f("save_step", o.save_step);
}

[[noreturn]] void type_error(const std::string& key, const nlohmann::json& value, const char* expected) {
  throw fw::Error(fw::detail::concat("ScanOptions: option '", key, "' must be ", expected, ", got ", value.dump()));
}

// An integer JSON value converted to Int, or an error when it is not an integer or out of range.
// (nlohmann stores non-negative parsed integers as unsigned, other integers as signed.)
template <typename Int>
Int read_integer(const std::string& key, const nlohmann::json& value) {
  if (!value.is_number_integer()) type_error(key, value, "an integer");
  constexpr bool is_unsigned = std::is_unsigned_v<Int>;
  const char* expected = is_unsigned ? "a non-negative integer in range" : "an integer in range";
  if (value.is_number_unsigned()) {
    const uint64_t v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<Int>::max())) type_error(key, value, expected);
    return static_cast<Int>(v);
  }
  const int64_t v = value.get<int64_t>();
  const bool in_range = is_unsigned ? v >= 0
                                    : v >= static_cast<int64_t>(std::numeric_limits<Int>::min()) &&
                                          v <= static_cast<int64_t>(std::numeric_limits<Int>::max());
  if (!in_range) type_error(key, value, expected);
  return static_cast<Int>(v);
}

template <typename T>
void read_value(const std::string& key, const nlohmann::json& value, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!value.is_string()) type_error(key, value, "a string");
    out = value.get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) type_error(key, value, "true or false");
    out = value.get<bool>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (!value.is_number()) type_error(key, value, "a number");
    out = value.get<double>();
  } else {
    out = read_integer<T>(key, value);
  }
}

// "--flag must be <what>, got <value>" unless ok.
template <typename V>
void require(bool ok, const char* flag, const char* what, const V& value) {
  fw::check(ok, "ScanOptions", "--", flag, " must be ", what, ", got ", value);
}

// Re-throws a parse error of the cross attention names as an option error.
template <typename Parse>
void require_name(const char* flag, const std::string& value, Parse parse) {
  try {
    parse(value);
  } catch (const fw::Error& e) {
    throw fw::Error(fw::detail::concat("ScanOptions: --", flag, " '", value, "' is not accepted (", e.what(), ")"));
  }
}

bool valid_device(const std::string& device) {
  if (device == "cpu" || device == "cuda") return true;
  const std::string prefix = "cuda:";
  if (device.rfind(prefix, 0) != 0 || device.size() == prefix.size()) return false;
  for (size_t i = prefix.size(); i < device.size(); ++i)
    if (device[i] < '0' || device[i] > '9') return false;
  return true;
}

}  // namespace

nlohmann::json ScanOptions::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for_each_option(*this, [&](const char* key, const auto& value) { out[key] = value; });
  return out;
}

ScanOptions ScanOptions::from_json(const nlohmann::json& json) {
  fw::check(json.is_object(), "ScanOptions", "expected a JSON object of options, got ", json.dump());
  ScanOptions out;
  size_t known = 0;
  for_each_option(out, [&](const char* key, auto& field) {
    const auto it = json.find(key);
    if (it == json.end()) return;
    read_value(key, *it, field);
    ++known;
  });
  if (known != json.size()) {
    const nlohmann::json defaults = ScanOptions{}.to_json();
    for (const auto& [key, value] : json.items())
      fw::check(defaults.contains(key), "ScanOptions", "unknown option '", key, "' (value ", value.dump(), ")");
  }
  return out;
}

void ScanOptions::validate() const {
  for (const auto& [flag, value] :
       {std::pair{"num_epochs", num_epochs}, std::pair{"batch_size", batch_size}, std::pair{"word_dim", word_dim},
        std::pair{"embed_size", embed_size}, std::pair{"num_layers", num_layers}, std::pair{"lr_update", lr_update},
        std::pair{"log_step", log_step}, std::pair{"val_step", val_step}, std::pair{"img_dim", img_dim}})
    require(value > 0, flag, "positive", value);
  require(workers >= 0, "workers", "non-negative", workers);
  require(save_step >= 0, "save_step", "non-negative (0 = off)", save_step);
  require(threads >= 0 && threads <= fw::kMaxThreads, "threads", "between 0 (the default: all cores) and 1024",
          threads);
  require(vocab_size >= 0, "vocab_size", "non-negative (0 = not set yet)", vocab_size);
  for (const auto& [flag, value] :
       {std::pair{"margin", margin}, std::pair{"grad_clip", grad_clip}, std::pair{"learning_rate", learning_rate},
        std::pair{"lambda_lse", lambda_lse}, std::pair{"lambda_softmax", lambda_softmax}})
    require(std::isfinite(value), flag, "a finite number", value);
  require(learning_rate > 0, "learning_rate", "positive", learning_rate);
  require(margin >= 0, "margin", "non-negative", margin);
  require(lambda_softmax > 0, "lambda_softmax", "positive", lambda_softmax);

  require_name("raw_feature_norm", raw_feature_norm, parse_raw_feature_norm);
  require_name("agg_func", agg_func, parse_aggregation);
  require_name("cross_attn", cross_attn, parse_cross_attn);
  fw::check(precomp_enc_type == "basic" || precomp_enc_type == "weight_norm", "ScanOptions", "--precomp_enc_type '",
            precomp_enc_type, "' is not accepted (accepted: basic, weight_norm)");
  if (parse_aggregation(agg_func) == fw::Aggregation::LogSumExp)
    require(lambda_lse > 0, "lambda_lse", "positive with --agg_func LogSumExp", lambda_lse);
  fw::check(valid_device(device), "ScanOptions", "--device '", device,
            "' is not accepted (accepted: cpu, cuda, cuda:<index>)");
}

fw::CrossAttentionOptions ScanOptions::cross_attention() const {
  fw::CrossAttentionOptions out;
  out.direction = parse_cross_attn(cross_attn);
  out.norm = parse_raw_feature_norm(raw_feature_norm);
  out.agg = parse_aggregation(agg_func);
  out.lambda_softmax = lambda_softmax;
  out.lambda_lse = lambda_lse;
  return out;
}

}  // namespace scan
