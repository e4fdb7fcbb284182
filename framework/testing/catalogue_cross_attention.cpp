// Catalogue cases for SCAN's cross attention score (framework/ops/cross_attention.h): every
// direction × first normalisation × aggregation, on tiny batches with mixed caption lengths.
// The padded words hold random values too, so gradcheck also proves that they get no gradient.
// LeakyReLU's kink at 0 and ties of Max have probability zero with random inputs.
#include <string>

#include "framework/ops/cross_attention.h"
#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_cross_attention_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  const std::vector<int64_t> lens{4, 2, 3};
  const InputSpec images{{2, 3, 3}}, captions{{3, 4, 3}};  // n_img=2, R=3, d=3; n_cap=3, L=4
  for (CrossAttn direction : {CrossAttn::T2I, CrossAttn::I2T})
    for (RawFeatureNorm norm :
         {RawFeatureNorm::Softmax, RawFeatureNorm::L2Norm, RawFeatureNorm::ClippedL2Norm, RawFeatureNorm::Clipped,
          RawFeatureNorm::NoNorm, RawFeatureNorm::L1Norm, RawFeatureNorm::ClippedL1Norm})
      for (Aggregation agg : {Aggregation::LogSumExp, Aggregation::Mean, Aggregation::Max, Aggregation::Sum}) {
        // SCAN's README settings: λ1 = 9 for t2i, 4 for i2t; λ2 = 6.
        const CrossAttentionOptions options{direction, norm, agg, direction == CrossAttn::T2I ? 9.0 : 4.0, 6.0};
        const std::string name = std::string("layers/cross_attention/") + to_string(direction) + "/" + to_string(norm) +
                                 "/" + to_string(agg);
        cases.push_back({name, {images, captions}, [lens, options](const V& x) {
                           return cross_attention_scores(x[0], x[1], lens, options);
                         }});
      }
  // Non-contiguous inputs: transposed regions and every-other-element words.
  for (CrossAttn direction : {CrossAttn::T2I, CrossAttn::I2T}) {
    const CrossAttentionOptions options{direction, RawFeatureNorm::ClippedL2Norm, Aggregation::LogSumExp, 5.0, 6.0};
    cases.push_back({std::string("layers/cross_attention/") + to_string(direction) + "/views",
                     {InputSpec{{2, 3, 3}, Layout::Transposed}, InputSpec{{3, 4, 3}, Layout::Strided}},
                     [lens, options](const V& x) { return cross_attention_scores(x[0], x[1], lens, options); }});
  }
}

}  // namespace fw::testing
