#pragma once
// The original SCAN flags of the cross attention (--cross_attn, --raw_feature_norm, --agg_func)
// read into the framework op's settings: "t2i"/"i2t"; "softmax", "l2norm", "clipped_l2norm",
// "l1norm", "clipped_l1norm", "clipped", "no_norm"; "LogSumExp", "Mean", "Max", "Sum" (the
// framework's to_string names). An unknown value is an error listing the accepted ones.
#include <string>

#include "framework/ops/cross_attention.h"

namespace scan {

fw::CrossAttn parse_cross_attn(const std::string& name);
fw::RawFeatureNorm parse_raw_feature_norm(const std::string& name);
fw::Aggregation parse_aggregation(const std::string& name);

}  // namespace scan
