// The original flags of the cross attention read into the framework op's settings.
#include "models/scan/model/cross_attention_flags.h"

#include <doctest/doctest.h>

#include "framework/core/error.h"

using namespace fw;
using namespace scan;

TEST_CASE("cross attention flags: parsed as in the original") {
  CHECK(parse_cross_attn("t2i") == CrossAttn::T2I);
  CHECK(parse_cross_attn("i2t") == CrossAttn::I2T);
  CHECK(parse_raw_feature_norm("clipped_l2norm") == RawFeatureNorm::ClippedL2Norm);
  CHECK(parse_raw_feature_norm("no_norm") == RawFeatureNorm::NoNorm);
  CHECK(parse_aggregation("LogSumExp") == Aggregation::LogSumExp);
  for (RawFeatureNorm norm : kRawFeatureNormValues) CHECK(parse_raw_feature_norm(to_string(norm)) == norm);
  for (Aggregation agg : kAggregationValues) CHECK(parse_aggregation(to_string(agg)) == agg);
  CHECK_THROWS_WITH_AS(parse_cross_attn("t-i"), doctest::Contains("unknown cross_attn 't-i' (accepted: t2i, i2t)"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_raw_feature_norm("clipped_leaky_l2norm"),
                       doctest::Contains("unknown raw_feature_norm 'clipped_leaky_l2norm' (accepted: softmax, l2norm, "
                                         "clipped_l2norm, l1norm, clipped_l1norm, clipped, no_norm)"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_aggregation("mean"),
                       doctest::Contains("unknown agg_func 'mean' (accepted: LogSumExp, Mean, Max, Sum)"), Error);
}

