#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "framework/core/random.h"
#include "framework/ops/cross_attention.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "tests/framework/ops/cross_attention_reference.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

namespace {

constexpr RawFeatureNorm kNorms[] = {
    RawFeatureNorm::Softmax, RawFeatureNorm::L2Norm, RawFeatureNorm::ClippedL2Norm, RawFeatureNorm::Clipped,
    RawFeatureNorm::NoNorm,  RawFeatureNorm::L1Norm, RawFeatureNorm::ClippedL1Norm};
constexpr Aggregation kAggregations[] = {Aggregation::LogSumExp, Aggregation::Mean, Aggregation::Max, Aggregation::Sum};

CrossAttentionOptions options_for(CrossAttn direction, RawFeatureNorm norm, Aggregation agg) {
  return {direction, norm, agg, direction == CrossAttn::T2I ? 9.0 : 4.0, 6.0};
}

std::string describe(const CrossAttentionOptions& o) {
  return std::string(to_string(o.direction)) + "/" + to_string(o.norm) + "/" + to_string(o.agg);
}

// The one-image, one-caption case worked by hand below: regions v_0 = (1, 0), v_1 = (0, 1);
// words e_0 = (2, -1), e_1 = (1, 1); so A[r][j] = v_r·e_j = [[2, 1], [-1, 1]].
Tensor hand_images() { return Tensor::from_vector<double>({1, 0, 0, 1}, {1, 2, 2}); }
Tensor hand_captions() { return Tensor::from_vector<double>({2, -1, 1, 1}, {1, 2, 2}); }

// Captions whose padded rows (j >= lens[c]) are set to `value`.
Tensor with_padding(const Tensor& captions, const std::vector<int64_t>& lens, double value) {
  std::vector<double> data = captions.to_vector<double>();
  const int64_t L = captions.size(1), d = captions.size(2);
  for (size_t c = 0; c < lens.size(); ++c)
    for (int64_t j = lens[c]; j < L; ++j)
      for (int64_t k = 0; k < d; ++k) data[(c * L + j) * d + k] = value + 0.01 * static_cast<double>(j * d + k);
  return Tensor::from_vector<double>(data, captions.shape()).to(captions.dtype());
}

struct Evaluation {
  Tensor scores, d_images, d_captions;
};

// S and the gradients of Σ w ⊙ S with respect to both inputs.
template <typename F>
Evaluation evaluate(F&& scores_fn, const Tensor& images, const Tensor& captions, const Tensor& w) {
  Tensor im = images.detach().clone().set_requires_grad();
  Tensor cap = captions.detach().clone().set_requires_grad();
  const Tensor s = scores_fn(im, cap);
  sum(s * w).backward();
  return {s.detach(), im.grad(), cap.grad()};
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  double worst = 0;
  for (size_t k = 0; k < x.size(); ++k) worst = std::max(worst, std::abs(x[k] - y[k]));
  return worst;
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](double p, double q) {
           return p == q || (std::isnan(p) && std::isnan(q));
         });
}

void check_matches_reference(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& lens,
                             const CrossAttentionOptions& o, uint64_t seed) {
  Generator gen(seed);
  const Tensor w = Tensor::uniform({images.size(0), captions.size(0)}, -1, 1, gen, DType::Float64);
  const Evaluation fused =
      evaluate([&](const Tensor& im, const Tensor& cap) { return cross_attention_scores(im, cap, lens, o); }, images,
               captions, w);
  const Evaluation composite =
      evaluate([&](const Tensor& im, const Tensor& cap) { return reference::cross_attention_scores(im, cap, lens, o); },
               images, captions, w);
  INFO(describe(o));
  CHECK(fused.scores.shape() == Shape{images.size(0), captions.size(0)});
  CHECK(max_abs_diff(fused.scores, composite.scores) < 1e-12);
  CHECK(max_abs_diff(fused.d_images, composite.d_images) < 1e-10);
  CHECK(max_abs_diff(fused.d_captions, composite.d_captions) < 1e-10);
}

}  // namespace

TEST_CASE("cross_attention: t2i clipped_l2norm Mean by hand") {
  // clipped: LeakyReLU_0.1(A) = [[2, 1], [-0.1, 1]]; l2norm over the words j of each region r:
  //   Ā[0] = (2, 1)/√5 = (0.894427, 0.447214),  Ā[1] = (-0.1, 1)/√1.01 = (-0.099504, 0.995037).
  // λ1 = 4, softmax over the regions r for each word j:
  //   α[0] = softmax(3.577709, -0.398015) = (0.981580, 0.018420)
  //   α[1] = softmax(1.788854,  3.980149) = (0.100535, 0.899465)
  // a_j = α[j][0] v_0 + α[j][1] v_1 = α[j], so
  //   R_0 = e_0·a_0 / (‖e_0‖ ‖a_0‖) = (2·0.981580 − 0.018420) / (√5 · 0.981753) = 0.885879
  //   R_1 = (0.100535 + 0.899465) / (√2 · 0.905066) = 0.781276
  // Mean: S = (0.885879 + 0.781276) / 2 = 0.833578.
  const CrossAttentionOptions o{CrossAttn::T2I, RawFeatureNorm::ClippedL2Norm, Aggregation::Mean, 4.0, 6.0};
  const Tensor s = cross_attention_scores(hand_images(), hand_captions(), {2}, o);
  CHECK(s.shape() == Shape{1, 1});
  CHECK(s.item() == doctest::Approx(0.8335776804886614).epsilon(1e-12));
  const Tensor alpha = cross_attention_weights(hand_images(), hand_captions(), {2}, o);
  CHECK(alpha.shape() == Shape{1, 1, 2, 2});  // [n_img, n_cap, L, R]
  CHECK(alpha.at({0, 0, 0, 0}) == doctest::Approx(0.9815799481563932).epsilon(1e-12));
  CHECK(alpha.at({0, 0, 1, 1}) == doctest::Approx(0.8994650118176408).epsilon(1e-12));
  // Sum is twice the mean; Max is R_0.
  CHECK(cross_attention_scores(hand_images(), hand_captions(), {2}, {o.direction, o.norm, Aggregation::Sum, 4.0, 6.0})
            .item() == doctest::Approx(2 * 0.8335776804886614).epsilon(1e-12));
  CHECK(cross_attention_scores(hand_images(), hand_captions(), {2}, {o.direction, o.norm, Aggregation::Max, 4.0, 6.0})
            .item() == doctest::Approx(0.8858789387256208).epsilon(1e-12));
}

TEST_CASE("cross_attention: i2t clipped_l2norm Mean by hand") {
  // First normalisation over the regions r of each word j (columns of A):
  //   column 0: LeakyReLU (2, −1) = (2, −0.1), / √4.01;  column 1: (1, 1), / √2
  //   Ā = [[0.998752, 0.707107], [−0.049938, 0.707107]]  (rows r, columns j)
  // λ1 = 4, softmax over the words j for each region r:
  //   α[0] = softmax(3.995008, 2.828427) = (0.762527, 0.237473)
  //   α[1] = softmax(−0.199750, 2.828427) = (0.046169, 0.953831)
  // a_r = α[r][0] e_0 + α[r][1] e_1:  a_0 = (1.762527, −0.525053),  a_1 = (1.046169, 0.907662)
  //   R_0 = cos(v_0, a_0) = 1.762527 / ‖a_0‖ = 0.958379,  R_1 = 0.907662 / ‖a_1‖ = 0.655335
  // Mean over the R = 2 regions: S = 0.806857.
  const CrossAttentionOptions o{CrossAttn::I2T, RawFeatureNorm::ClippedL2Norm, Aggregation::Mean, 4.0, 6.0};
  const Tensor s = cross_attention_scores(hand_images(), hand_captions(), {2}, o);
  CHECK(s.shape() == Shape{1, 1});
  CHECK(s.item() == doctest::Approx(0.8068571625573298).epsilon(1e-12));
  const Tensor alpha = cross_attention_weights(hand_images(), hand_captions(), {2}, o);
  CHECK(alpha.shape() == Shape{1, 1, 2, 2});  // [n_img, n_cap, R, L]
  CHECK(alpha.at({0, 0, 0, 0}) == doctest::Approx(0.762526682372876).epsilon(1e-12));
  CHECK(alpha.at({0, 0, 1, 1}) == doctest::Approx(0.9538309842264082).epsilon(1e-12));
}

TEST_CASE("cross_attention: LogSumExp is log(sum exp(lambda_lse R)) / lambda_lse of the per-word cosines") {
  // With the hand case above (t2i): R = (0.885879, 0.781276), λ2 = 6.
  const double r0 = 0.8858789387256208, r1 = 0.7812764222517021;
  const double expected = std::log(std::exp(6 * r0) + std::exp(6 * r1)) / 6;
  const CrossAttentionOptions o{CrossAttn::T2I, RawFeatureNorm::ClippedL2Norm, Aggregation::LogSumExp, 4.0, 6.0};
  CHECK(cross_attention_scores(hand_images(), hand_captions(), {2}, o).item() ==
        doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("cross_attention: fused op matches the per-caption composite for every option (float64)") {
  // n_img = 2 ≠ n_cap = 3, mixed lengths, padded words filled with large non-zero values.
  Generator gen(11);
  const std::vector<int64_t> lens{4, 2, 3};
  const Tensor images = Tensor::uniform({2, 3, 5}, -1, 1, gen, DType::Float64);
  const Tensor captions = with_padding(Tensor::uniform({3, 4, 5}, -1, 1, gen, DType::Float64), lens, 3.0);
  uint64_t seed = 100;
  for (CrossAttn direction : {CrossAttn::T2I, CrossAttn::I2T})
    for (RawFeatureNorm norm : kNorms)
      for (Aggregation agg : kAggregations)
        check_matches_reference(images, captions, lens, options_for(direction, norm, agg), ++seed);
}

TEST_CASE("cross_attention: a single image or a single caption keeps its dimension") {
  Generator gen(5);
  const std::vector<int64_t> lens{3, 1};
  const Tensor one_image = Tensor::uniform({1, 4, 3}, -1, 1, gen, DType::Float64);
  const Tensor two_captions = with_padding(Tensor::uniform({2, 3, 3}, -1, 1, gen, DType::Float64), lens, -2.0);
  const Tensor three_images = Tensor::uniform({3, 4, 3}, -1, 1, gen, DType::Float64);
  const Tensor one_caption = Tensor::uniform({1, 3, 3}, -1, 1, gen, DType::Float64);
  for (CrossAttn direction : {CrossAttn::T2I, CrossAttn::I2T}) {
    const CrossAttentionOptions o = options_for(direction, RawFeatureNorm::ClippedL2Norm, Aggregation::LogSumExp);
    CHECK(cross_attention_scores(one_image, two_captions, lens, o).shape() == Shape{1, 2});
    CHECK(cross_attention_scores(three_images, one_caption, {2}, o).shape() == Shape{3, 1});
    CHECK(cross_attention_scores(one_image, one_caption, {3}, o).shape() == Shape{1, 1});
    check_matches_reference(one_image, two_captions, lens, o, 1);
    check_matches_reference(three_images, one_caption, {2}, o, 2);
    check_matches_reference(one_image, one_caption, {3}, o, 3);
  }
}

TEST_CASE("cross_attention: padded words change nothing and get zero gradient") {
  Generator gen(21);
  const std::vector<int64_t> lens{2, 4, 1};
  const Tensor images = Tensor::uniform({2, 3, 4}, -1, 1, gen, DType::Float64);
  const Tensor base = Tensor::uniform({3, 4, 4}, -1, 1, gen, DType::Float64);
  const Tensor w = Tensor::uniform({2, 3}, -1, 1, gen, DType::Float64);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (CrossAttn direction : {CrossAttn::T2I, CrossAttn::I2T})
    for (Aggregation agg : kAggregations) {
      const CrossAttentionOptions o = options_for(direction, RawFeatureNorm::ClippedL2Norm, agg);
      INFO(describe(o));
      auto fused = [&](const Tensor& im, const Tensor& cap) { return cross_attention_scores(im, cap, lens, o); };
      const Evaluation a = evaluate(fused, images, with_padding(base, lens, 0.0), w);
      const Evaluation b = evaluate(fused, images, with_padding(base, lens, 50.0), w);
      const Evaluation c = evaluate(fused, images, with_padding(base, lens, nan), w);
      CHECK(bitwise_equal(a.scores, b.scores));
      CHECK(bitwise_equal(a.scores, c.scores));
      CHECK(bitwise_equal(a.d_images, b.d_images));
      CHECK(bitwise_equal(a.d_images, c.d_images));
      CHECK(bitwise_equal(a.d_captions, b.d_captions));
      CHECK(bitwise_equal(a.d_captions, c.d_captions));
      for (const Evaluation* e : {&a, &b, &c})
        for (int64_t cap = 0; cap < 3; ++cap)
          for (int64_t j = lens[cap]; j < 4; ++j)
            for (int64_t k = 0; k < 4; ++k) CHECK(e->d_captions.at({cap, j, k}) == 0.0);
    }
}

TEST_CASE("cross_attention: float32 agrees with float64 and repeated runs are bitwise identical") {
  Generator gen(8);
  const std::vector<int64_t> lens{7, 3, 5, 6, 1};
  const Tensor images = Tensor::uniform({4, 6, 16}, -1, 1, gen, DType::Float64);
  const Tensor captions = Tensor::uniform({5, 7, 16}, -1, 1, gen, DType::Float64);
  const Tensor w = Tensor::uniform({4, 5}, -1, 1, gen, DType::Float64);
  for (CrossAttn direction : {CrossAttn::T2I, CrossAttn::I2T}) {
    const CrossAttentionOptions o = options_for(direction, RawFeatureNorm::ClippedL2Norm, Aggregation::LogSumExp);
    INFO(describe(o));
    auto fused = [&](const Tensor& im, const Tensor& cap) { return cross_attention_scores(im, cap, lens, o); };
    const Evaluation f64 = evaluate(fused, images, captions, w);
    const Tensor w32 = w.to(DType::Float32);
    const Evaluation f32 = evaluate(fused, images.to(DType::Float32), captions.to(DType::Float32), w32);
    const Evaluation again = evaluate(fused, images.to(DType::Float32), captions.to(DType::Float32), w32);
    CHECK(f32.scores.dtype() == DType::Float32);
    CHECK(f32.d_images.dtype() == DType::Float32);
    CHECK(max_abs_diff(f32.scores, f64.scores) < 1e-5);
    CHECK(max_abs_diff(f32.d_images, f64.d_images) < 1e-4);
    CHECK(max_abs_diff(f32.d_captions, f64.d_captions) < 1e-4);
    CHECK(bitwise_equal(f32.scores, again.scores));
    CHECK(bitwise_equal(f32.d_images, again.d_images));
    CHECK(bitwise_equal(f32.d_captions, again.d_captions));
  }
}

TEST_CASE("cross_attention: attention weights are distributions over the context, zero beyond each caption") {
  Generator gen(3);
  const std::vector<int64_t> lens{4, 2, 3};
  const Tensor images = Tensor::uniform({2, 3, 5}, -1, 1, gen);
  const Tensor captions = Tensor::uniform({3, 4, 5}, -1, 1, gen);
  for (RawFeatureNorm norm : kNorms) {
    const Tensor t2i =
        cross_attention_weights(images, captions, lens, options_for(CrossAttn::T2I, norm, Aggregation::Mean));
    const Tensor i2t =
        cross_attention_weights(images, captions, lens, options_for(CrossAttn::I2T, norm, Aggregation::Mean));
    REQUIRE(t2i.shape() == Shape{2, 3, 4, 3});  // [n_img, n_cap, L, R]
    REQUIRE(i2t.shape() == Shape{2, 3, 3, 4});  // [n_img, n_cap, R, L]
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t c = 0; c < 3; ++c) {
        for (int64_t j = 0; j < 4; ++j) {  // t2i: α over the regions of every real word
          double total = 0;
          for (int64_t r = 0; r < 3; ++r) total += t2i.at({i, c, j, r});
          CHECK(total == doctest::Approx(j < lens[c] ? 1.0 : 0.0).epsilon(1e-6));
        }
        for (int64_t r = 0; r < 3; ++r) {  // i2t: α over the real words, none on the padding
          double total = 0;
          for (int64_t j = 0; j < 4; ++j) {
            total += i2t.at({i, c, r, j});
            if (j >= lens[c]) CHECK(i2t.at({i, c, r, j}) == 0.0);
          }
          CHECK(total == doctest::Approx(1.0).epsilon(1e-6));
        }
      }
  }
}

TEST_CASE("cross_attention: the settings' names are the original flags' spellings") {
  CHECK(std::string(to_string(CrossAttn::T2I)) == "t2i");
  CHECK(std::string(to_string(CrossAttn::I2T)) == "i2t");
  CHECK(std::string(to_string(RawFeatureNorm::ClippedL2Norm)) == "clipped_l2norm");
  CHECK(std::string(to_string(RawFeatureNorm::NoNorm)) == "no_norm");
  CHECK(std::string(to_string(Aggregation::LogSumExp)) == "LogSumExp");
  CHECK(std::size(kRawFeatureNormValues) == 7);
  CHECK(std::size(kAggregationValues) == 4);
}

TEST_CASE("cross_attention: shape, length and dtype errors name the op and the shapes") {
  const Tensor images = Tensor::zeros({2, 3, 4});
  const Tensor captions = Tensor::zeros({3, 5, 4});
  const CrossAttentionOptions o;
  CHECK_THROWS_WITH_AS(cross_attention_scores(images, Tensor::zeros({3, 5, 6}), {5, 5, 5}, o),
                       doctest::Contains("cross_attention_scores: feature sizes differ: images [2, 3, 4] vs captions "
                                         "[3, 5, 6] (4 vs 6)"),
                       Error);
  CHECK_THROWS_WITH_AS(cross_attention_scores(images, captions, {5, 5}, o),
                       doctest::Contains("cross_attention_scores: expected 3 caption lengths (one per caption of "
                                         "captions [3, 5, 4]), got 2"),
                       Error);
  CHECK_THROWS_WITH_AS(cross_attention_scores(images, captions, {5, 0, 5}, o),
                       doctest::Contains("cross_attention_scores: caption 1 has length 0, expected 1..5 (captions "
                                         "[3, 5, 4])"),
                       Error);
  CHECK_THROWS_WITH_AS(cross_attention_weights(images, captions, {5, 5, 6}, o),
                       doctest::Contains("cross_attention_weights: caption 2 has length 6, expected 1..5"), Error);
  CHECK_THROWS_WITH_AS(cross_attention_scores(Tensor::zeros({6, 4}), captions, {5, 5, 5}, o),
                       doctest::Contains("cross_attention_scores: expected images [n_img, R, d], got shape [6, 4]"),
                       Error);
  CHECK_THROWS_WITH_AS(cross_attention_scores(images, Tensor::zeros({3, 5, 4}, DType::Float64), {5, 5, 5}, o),
                       doctest::Contains("cross_attention_scores: dtype mismatch"), Error);
  CHECK_THROWS_WITH_AS(cross_attention_scores(Tensor::zeros({0, 3, 4}), captions, {5, 5, 5}, o),
                       doctest::Contains("cross_attention_scores: expected non-empty images"), Error);
  CHECK_THROWS_WITH_AS(
      cross_attention_scores(images, captions, {5, 5, 5},
                             {CrossAttn::T2I, RawFeatureNorm::ClippedL2Norm, Aggregation::LogSumExp, 9.0, 0.0}),
      doctest::Contains("cross_attention_scores: LogSumExp needs a finite lambda_lse > 0, got 0"), Error);
}

TEST_CASE("gradcheck: every cross attention catalogue case") { check_catalogue_family("layers/cross_attention/"); }
