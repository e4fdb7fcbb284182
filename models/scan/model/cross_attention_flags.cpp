#include "models/scan/model/cross_attention_flags.h"

#include "framework/core/error.h"

namespace scan {

namespace {

// The value whose fw::to_string name is `name`, among `values`; `flag` names the flag in errors.
template <typename E, size_t N>
E parse_name(const std::string& name, const E (&values)[N], const char* flag) {
  std::string accepted;
  for (const E value : values) {
    if (name == fw::to_string(value)) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(fw::to_string(value));
  }
  throw fw::Error("cross_attention: unknown " + std::string(flag) + " '" + name + "' (accepted: " + accepted + ")");
}

}  // namespace

fw::CrossAttn parse_cross_attn(const std::string& name) {
  return parse_name(name, fw::kCrossAttnValues, "cross_attn");
}

fw::RawFeatureNorm parse_raw_feature_norm(const std::string& name) {
  return parse_name(name, fw::kRawFeatureNormValues, "raw_feature_norm");
}

fw::Aggregation parse_aggregation(const std::string& name) {
  return parse_name(name, fw::kAggregationValues, "agg_func");
}

}  // namespace scan
