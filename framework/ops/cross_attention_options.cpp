// The option names of the cross attention op, spelled as the original command-line flags.
#include <array>
#include <string>
#include <utility>

#include "framework/core/error.h"
#include "framework/ops/cross_attention.h"

namespace fw {

namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<const char*, E>, N>;

template <typename E, size_t N>
E parse_name(const std::string& name, const Names<E, N>& table, const char* what) {
  std::string accepted;
  for (const auto& [spelling, value] : table) {
    if (name == spelling) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(spelling);
  }
  throw Error(detail::concat("cross_attention: unknown ", what, " '", name, "' (accepted: ", accepted, ")"));
}

template <typename E, size_t N>
const char* name_of(E value, const Names<E, N>& table) {
  for (const auto& [spelling, v] : table)
    if (v == value) return spelling;
  return "?";
}

constexpr Names<CrossAttn, 2> kDirections{{{"t2i", CrossAttn::T2I}, {"i2t", CrossAttn::I2T}}};
constexpr Names<RawFeatureNorm, 7> kNorms{{{"softmax", RawFeatureNorm::Softmax},
                                           {"l2norm", RawFeatureNorm::L2Norm},
                                           {"clipped_l2norm", RawFeatureNorm::ClippedL2Norm},
                                           {"l1norm", RawFeatureNorm::L1Norm},
                                           {"clipped_l1norm", RawFeatureNorm::ClippedL1Norm},
                                           {"clipped", RawFeatureNorm::Clipped},
                                           {"no_norm", RawFeatureNorm::NoNorm}}};
constexpr Names<Aggregation, 4> kAggregations{{{"LogSumExp", Aggregation::LogSumExp},
                                               {"Mean", Aggregation::Mean},
                                               {"Max", Aggregation::Max},
                                               {"Sum", Aggregation::Sum}}};

}  // namespace

CrossAttn parse_cross_attn(const std::string& name) { return parse_name(name, kDirections, "cross_attn"); }
RawFeatureNorm parse_raw_feature_norm(const std::string& name) { return parse_name(name, kNorms, "raw_feature_norm"); }
Aggregation parse_aggregation(const std::string& name) { return parse_name(name, kAggregations, "agg_func"); }
const char* to_string(CrossAttn direction) { return name_of(direction, kDirections); }
const char* to_string(RawFeatureNorm norm) { return name_of(norm, kNorms); }
const char* to_string(Aggregation agg) { return name_of(agg, kAggregations); }

}  // namespace fw
