// The names of the cross attention settings ("t2i", "clipped_l2norm", "LogSumExp"), the
// spellings of the original code's flags.
#include "framework/ops/cross_attention.h"

namespace fw {

const char* to_string(CrossAttn direction) {
  switch (direction) {
    case CrossAttn::T2I: return "t2i";
    case CrossAttn::I2T: return "i2t";
  }
  return "?";
}

const char* to_string(RawFeatureNorm norm) {
  switch (norm) {
    case RawFeatureNorm::Softmax: return "softmax";
    case RawFeatureNorm::L2Norm: return "l2norm";
    case RawFeatureNorm::ClippedL2Norm: return "clipped_l2norm";
    case RawFeatureNorm::L1Norm: return "l1norm";
    case RawFeatureNorm::ClippedL1Norm: return "clipped_l1norm";
    case RawFeatureNorm::Clipped: return "clipped";
    case RawFeatureNorm::NoNorm: return "no_norm";
  }
  return "?";
}

const char* to_string(Aggregation agg) {
  switch (agg) {
    case Aggregation::LogSumExp: return "LogSumExp";
    case Aggregation::Mean: return "Mean";
    case Aggregation::Max: return "Max";
    case Aggregation::Sum: return "Sum";
  }
  return "?";
}

}  // namespace fw
