#include "models/scan/model/scan_model.h"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "framework/testing/gradcheck.h"
#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "tests/models/scan/tiny_scan_config.h"

using namespace fw;
using scan::ScanModel;
using scan::ScanOptions;

namespace {

void set_values(Tensor param, const Tensor& values) {
  NoGradGuard no_grad;
  copy_(param, values);
}

// ‖row‖ of x [..., d] for each leading index.
std::vector<double> row_norms(const Tensor& x) {
  const std::vector<double> v = x.to_vector<double>();
  const int64_t d = x.size(-1);
  std::vector<double> out;
  for (size_t i = 0; i < v.size(); i += d) {
    double s = 0;
    for (int64_t k = 0; k < d; ++k) s += v[i + k] * v[i + k];
    out.push_back(std::sqrt(s));
  }
  return out;
}

double largest_magnitude(const Tensor& t) {
  double out = 0;
  for (double v : t.to_vector<double>()) out = std::max(out, std::abs(v));
  return out;
}

}  // namespace

TEST_CASE("ScanModel: parameter names, shapes and count of the README configuration (F30K vocabulary)") {
  ScanOptions o;
  o.bi_gru = true;
  o.max_violation = true;
  o.vocab_size = 8481;  // F30K's vocabulary: ids 0..8480
  Generator gen(3);
  const ScanModel model(o, gen);
  const auto params = model.named_parameters();
  // clang-format off
  const std::vector<std::pair<std::string, Shape>> expected{
      {"img_enc.fc.weight", {1024, 2048}},             {"img_enc.fc.bias", {1024}},
      {"txt_enc.embed.weight", {8481, 300}},
      {"txt_enc.rnn.weight_ih_l0", {3072, 300}},        {"txt_enc.rnn.weight_hh_l0", {3072, 1024}},
      {"txt_enc.rnn.bias_ih_l0", {3072}},               {"txt_enc.rnn.bias_hh_l0", {3072}},
      {"txt_enc.rnn.weight_ih_l0_reverse", {3072, 300}}, {"txt_enc.rnn.weight_hh_l0_reverse", {3072, 1024}},
      {"txt_enc.rnn.bias_ih_l0_reverse", {3072}},       {"txt_enc.rnn.bias_hh_l0_reverse", {3072}}};
  // clang-format on
  REQUIRE(params.size() == expected.size());
  for (size_t i = 0; i < params.size(); ++i) {
    CAPTURE(params[i].first);
    CHECK(params[i].first == expected[i].first);
    CHECK(params[i].second.shape() == expected[i].second);
    CHECK(params[i].second.dtype() == DType::Float32);
    CHECK(params[i].second.requires_grad());
  }
  // FC 2,098,176 + GRU 8,146,944 + embedding 8481 · 300 = 2,544,300.
  CHECK(model.image_encoder().parameter_count() == 2098176);
  CHECK(model.text_encoder().rnn().parameter_count() == 8146944);
  CHECK(model.parameter_count() == 2098176 + 8146944 + 8481 * 300);

  // Inits: SCAN's Xavier FC (bias 0), the embedding in U(−0.1, 0.1).
  const double fc_bound = std::sqrt(6.0 / 3072.0);
  CHECK(largest_magnitude(model.parameter("img_enc.fc.weight")) <= fc_bound);
  CHECK(largest_magnitude(model.parameter("img_enc.fc.weight")) > 0.99 * fc_bound);
  CHECK(largest_magnitude(model.parameter("img_enc.fc.bias")) == 0.0);
  CHECK(largest_magnitude(model.parameter("txt_enc.embed.weight")) <= 0.1);
  CHECK(largest_magnitude(model.parameter("txt_enc.embed.weight")) > 0.099);
}

TEST_CASE("ScanModel: the same seed gives the same parameters") {
  Generator a(11), b(11);
  const ScanModel first(tiny_options(), a), second(tiny_options(), b);
  const auto pa = first.named_parameters(), pb = second.named_parameters();
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.size(); ++i) CHECK(pa[i].second.to_vector<float>() == pb[i].second.to_vector<float>());
}

TEST_CASE("ScanModel: weight_norm image encoder names (PyTorch's weight_norm with dim=None) and init") {
  ScanOptions o = tiny_options();
  o.precomp_enc_type = "weight_norm";
  Generator gen(5);
  const ScanModel model(o, gen, DType::Float64);
  const auto params = model.image_encoder().named_parameters();
  REQUIRE(params.size() == 3);
  CHECK(params[0].first == "fc.bias");
  CHECK(params[0].second.shape() == Shape{4});
  CHECK(params[1].first == "fc.weight_g");
  CHECK(params[1].second.shape() == Shape{});  // a 0-dim tensor, as PyTorch stores it
  CHECK(params[2].first == "fc.weight_v");
  CHECK(params[2].second.shape() == Shape{4, 5});
  CHECK(model.named_parameters()[1].first == "img_enc.fc.weight_g");
  // PyTorch's default Linear init U(±1/√5) and g = ‖v‖_F, so the initial weight equals v.
  double squares = 0;
  for (double v : params[2].second.to_vector<double>()) {
    CHECK(std::abs(v) <= 1 / std::sqrt(5.0));
    squares += v * v;
  }
  for (double b : params[0].second.to_vector<double>()) CHECK(std::abs(b) <= 1 / std::sqrt(5.0));
  CHECK(params[1].second.item() == doctest::Approx(std::sqrt(squares)).epsilon(1e-14));
}

TEST_CASE("weight_norm_linear: W = g · v / ‖v‖_F, hand-computed") {
  // ‖v‖_F = sqrt(1 + 4 + 4 + 16) = 5, g = 10, so W = 2 v = [[2, 4], [4, 8]].
  const Tensor v = Tensor::from_vector<double>({1, 2, 2, 4}, {2, 2});
  const Tensor g = Tensor::scalar(10, DType::Float64);
  CHECK(scan::weight_norm(g, v).to_vector<double>() == std::vector<double>{2, 4, 4, 8});
  // x = [1, −1]: x Wᵀ = [−2, −4]; + b = [0.5, 1].
  const Tensor x = Tensor::from_vector<double>({1, -1}, {1, 2});
  const Tensor b = Tensor::from_vector<double>({0.5, 1}, {2});
  CHECK(scan::weight_norm_linear(x, g, v, b).to_vector<double>() == std::vector<double>{-1.5, -3});

  Generator gen(1);
  scan::WeightNormLinear layer(2, 2, gen, DType::Float64);
  set_values(layer.weight_v, v);
  set_values(layer.weight_g, g);
  set_values(layer.bias, b);
  CHECK(layer.forward(x).to_vector<double>() == std::vector<double>{-1.5, -3});
  CHECK_THROWS_WITH_AS(scan::weight_norm(Tensor::ones({1}, DType::Float64), v),
                       "weight_norm: expected a scalar weight_g [], got [1]", Error);
}

TEST_CASE("gradcheck: weight_norm_linear w.r.t. x, g, v and bias") {
  Generator gen(2);
  const std::vector<Tensor> inputs{
      Tensor::uniform({2, 3, 4}, -1, 1, gen, DType::Float64), Tensor::scalar(1.3, DType::Float64),
      Tensor::uniform({5, 4}, -1, 1, gen, DType::Float64), Tensor::uniform({5}, -1, 1, gen, DType::Float64)};
  const GradcheckResult r = gradcheck(
      [](const std::vector<Tensor>& in) { return scan::weight_norm_linear(in[0], in[1], in[2], in[3]); }, inputs);
  INFO(r.worst);
  CHECK(r.elements_checked == 24 + 1 + 20 + 5);
  CHECK(r.passed);
}

TEST_CASE("ImageEncoder: l2norm(x Wᵀ + b) per region, or the raw FC output with no_imgnorm") {
  for (const bool no_imgnorm : {false, true}) {
    CAPTURE(no_imgnorm);
    ScanOptions o = tiny_options();
    o.no_imgnorm = no_imgnorm;
    Generator gen(4);
    const ScanModel model(o, gen, DType::Float64);
    const Tensor images = Tensor::uniform({2, 3, 5}, -1, 1, gen, DType::Float64);
    const Tensor out = model.encode_images(images);
    REQUIRE(out.shape() == Shape{2, 3, 4});
    const std::vector<double> x = images.to_vector<double>(), y = out.to_vector<double>();
    const std::vector<double> w = model.parameter("img_enc.fc.weight").to_vector<double>();
    const std::vector<double> b = model.parameter("img_enc.fc.bias").to_vector<double>();
    for (int region = 0; region < 6; ++region) {
      std::vector<double> expected(4);
      double squares = 0;
      for (int j = 0; j < 4; ++j) {
        expected[j] = b[j];
        for (int i = 0; i < 5; ++i) expected[j] += x[region * 5 + i] * w[j * 5 + i];
        squares += expected[j] * expected[j];
      }
      for (int j = 0; j < 4; ++j) {
        const double want = no_imgnorm ? expected[j] : expected[j] / (std::sqrt(squares) + 1e-8);
        CHECK(y[region * 4 + j] == doctest::Approx(want).epsilon(1e-12));
      }
    }
  }
}

TEST_CASE("TextEncoder: bi-GRU directions averaged, l2-normalised rows, padded positions exactly zero") {
  Generator gen(6);
  const ScanModel model(tiny_options(), gen, DType::Float64);
  const Tensor ids = tiny_ids();
  const Tensor out = model.encode_captions(ids, kLengths);
  REQUIRE(out.shape() == Shape{3, 4, 4});
  // The raw GRU output: forward features [0, 4), reverse features [4, 8).
  const auto& enc = model.text_encoder();
  const Tensor raw = enc.rnn().forward(enc.embed().forward(ids), kLengths).output;
  REQUIRE(raw.shape() == Shape{3, 4, 8});
  const std::vector<double> r = raw.to_vector<double>(), y = out.to_vector<double>();
  const std::vector<double> norms = row_norms(out);
  for (int b = 0; b < 3; ++b)
    for (int t = 0; t < 4; ++t) {
      CAPTURE(b);
      CAPTURE(t);
      if (t >= kLengths[b]) {
        for (int k = 0; k < 4; ++k) CHECK(y[(b * 4 + t) * 4 + k] == 0.0);
        continue;
      }
      std::vector<double> avg(4);
      double squares = 0;
      for (int k = 0; k < 4; ++k) {
        avg[k] = (r[(b * 4 + t) * 8 + k] + r[(b * 4 + t) * 8 + 4 + k]) / 2;
        squares += avg[k] * avg[k];
      }
      for (int k = 0; k < 4; ++k)
        CHECK(y[(b * 4 + t) * 4 + k] == doctest::Approx(avg[k] / (std::sqrt(squares) + 1e-8)).epsilon(1e-12));
      CHECK(norms[b * 4 + t] == doctest::Approx(1.0).epsilon(1e-7));
    }
}

TEST_CASE("TextEncoder: unidirectional with no_txtnorm is the GRU output itself") {
  ScanOptions o = tiny_options();
  o.bi_gru = false;
  o.no_txtnorm = true;
  o.num_layers = 2;
  Generator gen(8);
  const ScanModel model(o, gen, DType::Float64);
  const auto& enc = model.text_encoder();
  const Tensor raw = enc.rnn().forward(enc.embed().forward(tiny_ids()), kLengths).output;
  const Tensor out = model.encode_captions(tiny_ids(), kLengths);
  CHECK(out.shape() == Shape{3, 4, 4});
  CHECK(out.to_vector<double>() == raw.to_vector<double>());
  CHECK(model.named_parameters().back().first == "txt_enc.rnn.bias_hh_l1");
}

TEST_CASE("ScanModel: scores and loss shapes in float32") {
  Generator gen(9);
  const ScanModel model(tiny_options(), gen);
  const Tensor images = Tensor::uniform({3, 2, 5}, -1, 1, gen);
  const Tensor img = model.encode_images(images), cap = model.encode_captions(tiny_ids(), kLengths);
  const Tensor s = model.scores(img, cap, kLengths);
  CHECK(s.shape() == Shape{3, 3});
  CHECK(s.dtype() == DType::Float32);
  const Tensor loss = model.loss(s);
  CHECK(loss.shape() == Shape{});
  CHECK(loss.item() >= 0);
  CHECK(loss.requires_grad());
  CHECK(model.options().vocab_size == 7);
}

TEST_CASE("ScanModel: construction and input errors") {
  Generator gen(1);
  ScanOptions o = tiny_options();
  o.vocab_size = 0;
  CHECK_THROWS_WITH_AS(ScanModel(o, gen), "ScanModel: vocab_size must be set to the vocabulary's size, got 0", Error);
  o = tiny_options();
  o.precomp_enc_type = "backbone";
  CHECK_THROWS_WITH_AS(ScanModel(o, gen),
                       "ScanOptions: --precomp_enc_type 'backbone' is not accepted (accepted: basic, weight_norm)",
                       Error);
  const ScanModel model(tiny_options(), gen);
  CHECK_THROWS_WITH_AS(model.encode_images(Tensor::zeros({2, 3, 5}, DType::Float64)),
                       "ScanModel::encode_images: expected images [B, R, 5] float32, got [2, 3, 5] float64", Error);
  CHECK_THROWS_WITH_AS(model.encode_images(Tensor::zeros({2, 3, 6})),
                       "ScanModel::encode_images: expected images [B, R, 5] float32, got [2, 3, 6] float32", Error);
  CHECK_THROWS_WITH_AS(model.encode_captions(tiny_ids(), {4, 2}),
                       "TextEncoder: expected 3 lengths for ids [3, 4], got 2", Error);
  CHECK_THROWS_WITH_AS(model.encode_captions(Tensor::zeros({3, 4}), kLengths),
                       "TextEncoder: expected ids [B, L] int64, got [3, 4] float32", Error);
}

namespace {

// gradcheck of a module's loss w.r.t. every parameter. gradcheck differentiates w.r.t. its own
// detached leaves, which share storage with the parameters: its finite differences see every
// perturbation, but the module's graph ends at the parameters themselves. So the analytic pass
// runs the module's own backward to get G_k = ∂L/∂p_k and returns
//   L + Σ_k (Σ leaf_k ⊙ G_k − Σ detach(leaf_k) ⊙ G_k),
// which equals L exactly and whose gradient w.r.t. leaf_k is G_k. The numeric passes (grad mode
// off) just evaluate L.
GradcheckResult gradcheck_parameters(const nn::Module& module, const std::function<Tensor()>& loss) {
  const std::vector<Tensor> params = module.parameters();
  const auto f = [&](const std::vector<Tensor>& leaves) {
    const Tensor value = loss();
    if (!grad_enabled()) return value;
    module.zero_grad();
    value.backward();
    Tensor out = value.detach();
    for (size_t k = 0; k < params.size(); ++k) {
      REQUIRE(params[k].grad().defined());
      const Tensor g = params[k].grad();
      out = out + (sum(leaves[k] * g) - sum(leaves[k].detach() * g));
    }
    return out;
  };
  return gradcheck(f, params);
}

}  // namespace

TEST_CASE("gradcheck: the whole SCAN loss w.r.t. every parameter (tiny configurations)") {
  struct Variant {
    const char* name;
    void (*apply)(ScanOptions&);
  };
  const std::vector<Variant> variants{
      {"basic, t2i, clipped_l2norm, LogSumExp, max_violation, bi-GRU", [](ScanOptions&) {}},
      {"weight_norm, i2t, softmax, Mean, sum of hinges, 2-layer GRU",
       [](ScanOptions& o) {
         o.precomp_enc_type = "weight_norm";
         o.cross_attn = "i2t";
         o.raw_feature_norm = "softmax";
         o.agg_func = "Mean";
         o.lambda_softmax = 4;
         o.max_violation = false;
         o.bi_gru = false;
         o.num_layers = 2;
       }},
  };
  for (const Variant& variant : variants) {
    SUBCASE(variant.name) {
      ScanOptions o = tiny_options();
      variant.apply(o);
      Generator gen(12);
      const ScanModel model(o, gen, DType::Float64);
      const Tensor images = Tensor::uniform({3, 3, 5}, -2, 2, gen, DType::Float64);
      const Tensor ids = tiny_ids();
      const auto loss = [&] {
        return model.loss(model.scores(model.encode_images(images), model.encode_captions(ids, kLengths), kLengths));
      };
      const GradcheckResult r = gradcheck_parameters(model, loss);
      INFO(r.worst);
      CHECK(loss().item() > 0);  // some hinge is active, so the check is not of a constant
      CHECK(r.elements_checked == model.parameter_count());
      CHECK(r.passed);
    }
  }
}
