#pragma once
// The settings of the cross attention op (ops/cross_attention.h explains each), kept here so
// that every backend's kernel can read them.

namespace fw {

enum class CrossAttn { T2I, I2T };
enum class RawFeatureNorm { Softmax, L2Norm, ClippedL2Norm, Clipped, NoNorm, L1Norm, ClippedL1Norm };
enum class Aggregation { LogSumExp, Mean, Max, Sum };

// Every value, in the order their names are listed to a user.
inline constexpr CrossAttn kCrossAttnValues[] = {CrossAttn::T2I, CrossAttn::I2T};
inline constexpr RawFeatureNorm kRawFeatureNormValues[] = {
    RawFeatureNorm::Softmax, RawFeatureNorm::L2Norm,  RawFeatureNorm::ClippedL2Norm, RawFeatureNorm::L1Norm,
    RawFeatureNorm::ClippedL1Norm, RawFeatureNorm::Clipped, RawFeatureNorm::NoNorm};
inline constexpr Aggregation kAggregationValues[] = {Aggregation::LogSumExp, Aggregation::Mean, Aggregation::Max,
                                                     Aggregation::Sum};

struct CrossAttentionOptions {
  CrossAttn direction = CrossAttn::T2I;
  RawFeatureNorm norm = RawFeatureNorm::ClippedL2Norm;
  Aggregation agg = Aggregation::LogSumExp;
  double lambda_softmax = 9.0;  // λ1, the inverse temperature of the attention softmax
  double lambda_lse = 6.0;      // λ2, the LogSumExp sharpness (must be > 0 for LogSumExp)
};

}  // namespace fw
