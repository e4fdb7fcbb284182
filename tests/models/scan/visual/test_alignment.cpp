// One pair's attention from a tiny model: the weights are distributions, and the relevances
// reproduce the model's own score through the Mean aggregation (score = mean of R_j for t2i, of R_r
// for i2t), which the fused op computes without ever forming the attended vectors.
#include <doctest/doctest.h>

#include <numeric>
#include <vector>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/visual/alignment.h"
#include "tests/models/scan/tiny_scan_config.h"

namespace {

scan::Vocabulary tiny_vocab() {
  scan::Vocabulary vocab;
  for (const char* w : {"red", "circle", "star"}) vocab.add(w);
  return vocab;  // 7 words, tiny_options().vocab_size
}

scan::PairAlignment align_with(const std::string& cross_attn) {
  scan::ScanOptions opt = tiny_options();
  opt.cross_attn = cross_attn;
  opt.agg_func = "Mean";
  fw::Generator gen(3);
  const scan::ScanModel model(opt, gen);
  const fw::Tensor features = fw::Tensor::uniform({6, opt.img_dim}, 0.0, 1.0, gen);
  const scan::Vocabulary vocab = tiny_vocab();
  return scan::align_pair(model, features, vocab.encode_caption("red circle star"), vocab);
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }

}  // namespace

TEST_CASE("align_pair: each word's weights over the regions and each region's over the words sum to 1") {
  const scan::PairAlignment a = align_with("t2i");
  REQUIRE(a.words == std::vector<std::string>{"<start>", "red", "circle", "star", "<end>"});
  REQUIRE(a.regions == 6);
  for (int64_t j = 0; j < a.num_words(); ++j) {
    double sum = 0;
    for (int64_t r = 0; r < a.regions; ++r) sum += a.word_to_region(j, r);
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
    CHECK(a.word_to_region(j, a.top_region(j)) >= a.word_to_region(j, 0));
  }
  for (int64_t r = 0; r < a.regions; ++r) {
    double sum = 0;
    for (int64_t j = 0; j < a.num_words(); ++j) sum += a.region_to_word(r, j);
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
  }
  CHECK(a.is_special(0));
  CHECK(!a.is_special(1));
  CHECK(a.is_special(4));
}

TEST_CASE("align_pair: the relevances give back the model's own Mean score, in both directions") {
  const scan::PairAlignment t2i = align_with("t2i");
  CHECK(t2i.score == doctest::Approx(mean(t2i.word_relevance)).epsilon(1e-5));
  const scan::PairAlignment i2t = align_with("i2t");
  CHECK(i2t.score == doctest::Approx(mean(i2t.region_relevance)).epsilon(1e-5));
  for (const double r : t2i.word_relevance) CHECK(std::abs(r) <= 1.0 + 1e-9);
}

TEST_CASE("align_pair refuses a caption of only unknown words and features of the wrong size") {
  const scan::ScanOptions opt = tiny_options();
  fw::Generator gen(1);
  const scan::ScanModel model(opt, gen);
  const scan::Vocabulary vocab = tiny_vocab();
  const fw::Tensor features = fw::Tensor::zeros({4, opt.img_dim});
  CHECK_THROWS_WITH_AS(scan::align_pair(model, features, vocab.encode_caption("purple dog"), vocab),
                       doctest::Contains("none of its words is in the vocabulary"), fw::Error);
  CHECK_THROWS_WITH_AS(scan::align_pair(model, fw::Tensor::zeros({4, 3}), vocab.encode_caption("red"), vocab),
                       doctest::Contains("expected region features [R, 5], got [4, 3]"), fw::Error);
}
