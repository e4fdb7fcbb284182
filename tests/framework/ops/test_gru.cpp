#include <cblas.h>
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/gru.h"
#include "framework/ops/reduce.h"
#include "tests/framework/ops/gru_composite.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

namespace {

// H = 1, in = 1 weights chosen so the gate pre-activations are round numbers (gate order r, z, n):
//   W_ih = [0.5, 1, 0.5], W_hh = [0, 0, 2], b_ih = [−0.25, −1, 0], b_hh = [−0.25, 0, 1].
std::vector<Tensor> tiny_weights() {
  return {Tensor::from_vector<double>({0.5, 1, 0.5}, {3, 1}), Tensor::from_vector<double>({0, 0, 2}, {3, 1}),
          Tensor::from_vector<double>({-0.25, -1, 0}, {3}), Tensor::from_vector<double>({-0.25, 0, 1}, {3})};
}

std::vector<Tensor> random_weights(int64_t input, int64_t hidden, int64_t layers, int64_t dirs, Generator& gen,
                                   DType dtype = DType::Float64) {
  std::vector<Tensor> w;
  for (int64_t i = 0; i < 4 * layers * dirs; ++i) {
    const int64_t layer = i / (4 * dirs), in = layer == 0 ? input : hidden * dirs;
    const Shape shape = i % 4 == 0 ? Shape{3 * hidden, in} : i % 4 == 1 ? Shape{3 * hidden, hidden} : Shape{3 * hidden};
    w.push_back(Tensor::uniform(shape, -0.8, 0.8, gen, dtype).set_requires_grad());
  }
  return w;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  double m = 0;
  for (size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

// L = Σ output ⊙ w_out + Σ h_n ⊙ w_h, so that both outputs carry gradient.
Tensor projected_loss(const GruOutput& r, const Tensor& w_out, const Tensor& w_h) {
  return sum(r.output * w_out) + sum(r.h_n * w_h);
}

struct Config {
  int64_t layers;
  bool bidirectional;
};

}  // namespace

TEST_CASE("gru: one step, H = 1, values and gradients by hand") {
  // x = 1, h = 0, so W_hh h = 0 and the recurrent projections are just b_hh:
  //   r = σ(0.5·1 − 0.25 − 0.25) = σ(0) = 0.5
  //   z = σ(1·1 − 1 + 0)         = σ(0) = 0.5
  //   n = tanh(0.5·1 + 0 + r·(0·0 + 1)) = tanh(1) = 0.7615941559557649
  //   h' = (1 − z) n + z·0 = 0.38079707797788245
  std::vector<Tensor> w = tiny_weights();
  for (Tensor& t : w) t.set_requires_grad();
  Tensor x = Tensor::from_vector<double>({1}, {1, 1, 1}).set_requires_grad();
  const GruOutput r = gru(x, std::vector<int64_t>{1}, w, 1, false);
  CHECK(r.output.shape() == Shape{1, 1, 1});
  CHECK(r.h_n.shape() == Shape{1, 1, 1});
  CHECK(r.output.item() == doctest::Approx(0.38079707797788245).epsilon(1e-14));
  CHECK(r.h_n.item() == doctest::Approx(0.38079707797788245).epsilon(1e-14));

  // L = h'. ∂L/∂n = 1 − z = 0.5, ∂L/∂z = h − n = −tanh(1).
  //   d_npre = 0.5 (1 − tanh²1)             = 0.20998717080701307  (= ∂b_in = ∂W_in, x = 1)
  //   ∂b_hn  = d_npre · r                    = 0.10499358540350653
  //   d_rpre = d_npre · hn · r(1 − r), hn = 1 = 0.05249679270175327  (= ∂b_ir = ∂b_hr = ∂W_ir)
  //   d_zpre = −tanh(1) · z(1 − z)           = −0.1903985389889412  (= ∂b_iz = ∂b_hz = ∂W_iz)
  //   ∂W_hh  = d_gates · h = 0
  //   ∂x = 0.5 d_rpre + 1 d_zpre + 0.5 d_npre = −0.05915655723455804
  r.output.backward(Tensor::ones({1, 1, 1}, DType::Float64));
  const double dn = 0.20998717080701307, dr = 0.05249679270175327, dz = -0.1903985389889412;
  auto check_vec = [](const Tensor& g, const std::vector<double>& expected) {
    const std::vector<double> got = g.to_vector<double>();
    REQUIRE(got.size() == expected.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-12));
  };
  check_vec(w[0].grad(), {dr, dz, dn});
  check_vec(w[1].grad(), {0, 0, 0});
  check_vec(w[2].grad(), {dr, dz, dn});
  check_vec(w[3].grad(), {dr, dz, 0.10499358540350653});
  check_vec(x.grad(), {-0.05915655723455804});
}

TEST_CASE("gru: two steps in both directions by hand, with a padded shorter sequence") {
  // Sequence 0: x = [1, 0] (length 2). Sequence 1: x = [1, 9] with length 1 (the 9 is padding).
  // Both directions use the tiny weights.
  // Forward, sequence 0: step t=0 as in the one-step test: h1 = 0.38079707797788245. Step t=1, x = 0:
  //   r = σ(−0.25 + 0·h1 − 0.25) = σ(−0.5) = 0.3775406687981454, z = σ(−1 + 0) = 0.2689414213699951
  //   hn = 2 h1 + 1 = 1.7615941559557649, n = tanh(0 + r·hn) = tanh(0.665073435790444) = 0.5817298560614971
  //   h2 = (1 − z) n + z h1 = 0.527690709123868
  // Reverse, sequence 0: starts at t=1 (x = 0) from h = 0:
  //   r = σ(−0.5), z = σ(−1), hn = 1, n = tanh(r) = 0.36056977534092255, g1 = (1 − z) n = 0.263597627457675
  //   then t=0 (x = 1): r = σ(0.5 − 0.25 − 0.25) = 0.5, z = σ(0) = 0.5, hn = 2 g1 + 1 = 1.52719525491535,
  //   n = tanh(0.5 + 0.5 hn) = tanh(1.263597627457675) = 0.8520529073762022, g0 = 0.5 n + 0.5 g1 = 0.5578252674169386
  // Sequence 1 (length 1): both directions see only x = 1 from h = 0: 0.38079707797788245.
  std::vector<Tensor> w = tiny_weights();
  const std::vector<Tensor> reverse = tiny_weights();
  w.insert(w.end(), reverse.begin(), reverse.end());
  const Tensor x = Tensor::from_vector<double>({1, 0, 1, 9}, {2, 2, 1});
  const GruOutput r = gru(x, std::vector<int64_t>{2, 1}, w, 1, true);
  CHECK(r.output.shape() == Shape{2, 2, 2});
  CHECK(r.h_n.shape() == Shape{2, 2, 1});
  // clang-format off
  const std::vector<double> expected_out{0.38079707797788245, 0.5578252674169386,   // seq 0, t 0: fwd, rev
                                         0.527690709123868,   0.263597627457675,    // seq 0, t 1
                                         0.38079707797788245, 0.38079707797788245,  // seq 1, t 0
                                         0,                   0};                   // seq 1, t 1: padding
  // clang-format on
  const std::vector<double> out = r.output.to_vector<double>();
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i] == doctest::Approx(expected_out[i]).epsilon(1e-14));
  CHECK(out[6] == 0.0);
  CHECK(out[7] == 0.0);
  // h_n: forward after the last valid step, reverse after step t = 0.
  const std::vector<double> expected_h{0.527690709123868, 0.38079707797788245,    // forward: seq 0, seq 1
                                       0.5578252674169386, 0.38079707797788245};  // reverse
  const std::vector<double> h = r.h_n.to_vector<double>();
  for (size_t i = 0; i < h.size(); ++i) CHECK(h[i] == doctest::Approx(expected_h[i]).epsilon(1e-14));
}

TEST_CASE("gru: fused op matches the composite reference, outputs and every gradient (float64)") {
  const std::vector<int64_t> lengths{5, 2, 3, 1};  // unsorted, with a length-1 sequence
  const int64_t B = 4, T = 5, in = 3, H = 4;
  for (const Config config : {Config{1, false}, Config{1, true}, Config{2, false}, Config{2, true}}) {
    const int64_t dirs = config.bidirectional ? 2 : 1;
    CAPTURE(config.layers);
    CAPTURE(config.bidirectional);
    Generator gen(11);
    Tensor x = Tensor::uniform({B, T, in}, -1, 1, gen, DType::Float64).set_requires_grad();
    const std::vector<Tensor> w = random_weights(in, H, config.layers, dirs, gen);
    const Tensor w_out = Tensor::normal({B, T, H * dirs}, 0, 1, gen, DType::Float64);
    const Tensor w_h = Tensor::normal({config.layers * dirs, B, H}, 0, 1, gen, DType::Float64);

    const GruOutput fused = gru(x, lengths, w, config.layers, config.bidirectional);
    projected_loss(fused, w_out, w_h).backward();
    std::vector<Tensor> fused_grads{x.grad()};
    for (const Tensor& t : w) fused_grads.push_back(t.grad());
    x.zero_grad();
    for (const Tensor& t : w) t.zero_grad();

    const GruOutput composite = testing::composite_gru(x, lengths, w, config.layers, config.bidirectional);
    projected_loss(composite, w_out, w_h).backward();
    CHECK(max_abs_diff(fused.output, composite.output) < 1e-13);
    CHECK(max_abs_diff(fused.h_n, composite.h_n) < 1e-13);
    CHECK(max_abs_diff(fused_grads[0], x.grad()) < 1e-12);
    for (size_t i = 0; i < w.size(); ++i) {
      CAPTURE(gru_weight_name(static_cast<int64_t>(i), dirs));
      CHECK(max_abs_diff(fused_grads[i + 1], w[i].grad()) < 1e-12);
    }
  }
}

TEST_CASE("gru: padded outputs are exactly zero and padded inputs get exactly zero gradient") {
  const std::vector<int64_t> lengths{2, 5, 1};
  Generator gen(3);
  Tensor x = Tensor::uniform({3, 5, 2}, -1, 1, gen, DType::Float64).set_requires_grad();
  const std::vector<Tensor> w = random_weights(2, 3, 2, 2, gen);
  const GruOutput r = gru(x, lengths, w, 2, true);
  (sum(r.output) + sum(r.h_n)).backward();  // the output gradient is 1 everywhere, padding included
  for (int64_t b = 0; b < 3; ++b)
    for (int64_t t = 0; t < 5; ++t) {
      CAPTURE(b);
      CAPTURE(t);
      const bool padded = t >= lengths[b];
      for (int64_t j = 0; j < 6; ++j) {
        if (padded) CHECK(r.output.at({b, t, j}) == 0.0);
        if (!padded) CHECK(r.output.at({b, t, j}) != 0.0);
      }
      for (int64_t j = 0; j < 2; ++j) {
        if (padded) CHECK(x.grad().at({b, t, j}) == 0.0);
        if (!padded) CHECK(x.grad().at({b, t, j}) != 0.0);
      }
    }
}

TEST_CASE("gru: a sequence's result does not depend on the rest of the batch or on its padding") {
  Generator gen(5);
  const Tensor x = Tensor::uniform({3, 4, 2}, -1, 1, gen, DType::Float64);
  const std::vector<Tensor> w = random_weights(2, 3, 1, 2, gen);
  const GruOutput batch = gru(x, std::vector<int64_t>{4, 2, 3}, w, 1, true);
  // Sequence 1 alone, cut to its length 2.
  const GruOutput alone = gru(x.narrow(0, 1, 1).narrow(1, 0, 2), std::vector<int64_t>{2}, w, 1, true);
  CHECK(max_abs_diff(batch.output.narrow(0, 1, 1).narrow(1, 0, 2), alone.output) == 0.0);
  CHECK(max_abs_diff(batch.h_n.narrow(1, 1, 1), alone.h_n) == 0.0);
}

TEST_CASE("gru: float32 agrees with float64, and lengths may be an int64 tensor") {
  Generator gen(9);
  Tensor x64 = Tensor::uniform({4, 6, 5}, -1, 1, gen, DType::Float64).set_requires_grad();
  const std::vector<Tensor> w64 = random_weights(5, 8, 2, 2, gen);
  std::vector<Tensor> w32;
  for (const Tensor& t : w64) w32.push_back(t.detach().to(DType::Float32).set_requires_grad());
  Tensor x32 = x64.detach().to(DType::Float32).set_requires_grad();
  const Tensor lengths = Tensor::from_vector<int64_t>({3, 6, 1, 4}, {4});
  const GruOutput r64 = gru(x64, lengths, w64, 2, true);
  const GruOutput r32 = gru(x32, lengths, w32, 2, true);
  CHECK(r32.output.dtype() == DType::Float32);
  CHECK(r32.h_n.dtype() == DType::Float32);
  CHECK(max_abs_diff(r32.output, r64.output) < 1e-5);
  CHECK(max_abs_diff(r32.h_n, r64.h_n) < 1e-5);
  sum(r64.output).backward();
  sum(r32.output).backward();
  for (size_t i = 0; i < w64.size(); ++i) {
    CAPTURE(gru_weight_name(static_cast<int64_t>(i), 2));
    CHECK(w32[i].grad().dtype() == DType::Float32);
    CHECK(max_abs_diff(w32[i].grad(), w64[i].grad()) < 1e-4);
  }
  CHECK(max_abs_diff(x32.grad(), x64.grad()) < 1e-4);
}

TEST_CASE("gru: results are bitwise identical from run to run") {
  Generator gen(2);
  const Tensor x = Tensor::uniform({5, 7, 6}, -1, 1, gen);
  const std::vector<Tensor> w = random_weights(6, 16, 1, 2, gen, DType::Float32);
  const std::vector<int64_t> lengths{7, 3, 5, 1, 6};
  const GruOutput a = gru(x, lengths, w, 1, true);
  sum(a.output).backward();
  const std::vector<float> grad_a = w[1].grad().to_vector<float>();
  w[1].zero_grad();
  const GruOutput b = gru(x, lengths, w, 1, true);
  sum(b.output).backward();
  CHECK(a.output.to_vector<float>() == b.output.to_vector<float>());
  CHECK(grad_a == w[1].grad().to_vector<float>());
}

// With OpenBLAS's OpenMP build (g++ builds) the two directions run one per thread, each with
// single-threaded products, so 2 threads compute exactly what 1 does. With its pthread build
// (clang builds) they run one after the other on 2-thread products, whose rounding may differ.
TEST_CASE("gru: the same on 1 and 2 threads, bitwise where its directions run one per thread") {
  const int saved_threads = num_threads();
  Generator gen(4);
  const Tensor x = Tensor::uniform({9, 8, 12}, -1, 1, gen, DType::Float32).set_requires_grad();
  const std::vector<Tensor> w = random_weights(12, 40, 2, 2, gen, DType::Float32);  // two layers
  const std::vector<int64_t> lengths{8, 3, 5, 1, 6, 8, 2, 7, 4};
  std::vector<std::vector<float>> results[2];
  for (const int threads : {1, 2}) {
    set_num_threads(threads);
    for (const Tensor& t : w) t.zero_grad();
    x.zero_grad();
    const GruOutput out = gru(x, lengths, w, 2, true);
    add(sum(out.output), sum(out.h_n)).backward();
    results[threads - 1].push_back(out.output.to_vector<float>());
    results[threads - 1].push_back(x.grad().to_vector<float>());
    for (const Tensor& t : w) results[threads - 1].push_back(t.grad().to_vector<float>());
  }
  set_num_threads(saved_threads);
  if (openblas_get_parallel() == 2) {
    CHECK(results[0] == results[1]);
  } else {
    REQUIRE(results[0].size() == results[1].size());
    for (size_t k = 0; k < results[0].size(); ++k) {
      CAPTURE(k);
      REQUIRE(results[0][k].size() == results[1][k].size());
      double worst = 0, scale = 0;
      for (size_t i = 0; i < results[0][k].size(); ++i) {
        worst = std::max(worst, std::fabs(double{results[0][k][i]} - results[1][k][i]));
        scale = std::max(scale, std::fabs(double{results[0][k][i]}));
      }
      CHECK(worst <= 1e-5 * std::max(scale, 1.0));
    }
  }
}

TEST_CASE("gru: argument errors name the op and the shapes") {
  Generator gen(1);
  const Tensor x = Tensor::zeros({2, 3, 4}, DType::Float64);
  const std::vector<Tensor> w = random_weights(4, 2, 1, 1, gen);
  using L = std::vector<int64_t>;
  CHECK_THROWS_WITH_AS(gru(x, L{3, 0}, w, 1, false),
                       doctest::Contains("gru: length 0 of sequence 1 is outside 1..3 (x is [2, 3, 4])"), Error);
  CHECK_THROWS_WITH_AS(gru(x, L{4, 1}, w, 1, false),
                       doctest::Contains("gru: length 4 of sequence 0 is outside 1..3 (x is [2, 3, 4])"), Error);
  CHECK_THROWS_WITH_AS(gru(x, L{3}, w, 1, false),
                       doctest::Contains("gru: expected 2 lengths (one per sequence of x [2, 3, 4]), got 1"), Error);
  CHECK_THROWS_WITH_AS(gru(Tensor::zeros({2, 3, 5}, DType::Float64), L{3, 1}, w, 1, false),
                       doctest::Contains("gru: weight_ih_l0 has shape [6, 4], expected [6, 5] (hidden 2, x [2, 3, 5])"),
                       Error);
  CHECK_THROWS_WITH_AS(gru(Tensor::zeros({2, 3}, DType::Float64), L{3, 1}, w, 1, false),
                       doctest::Contains("gru: expected x of shape [batch, time, input], got [2, 3]"), Error);
  CHECK_THROWS_WITH_AS(gru(Tensor::zeros({2, 3, 4}), L{3, 1}, w, 1, false),
                       doctest::Contains("gru: weight_ih_l0 is float64 [6, 4], expected float32 like x [2, 3, 4]"),
                       Error);
  CHECK_THROWS_WITH_AS(gru(Tensor::zeros({2, 3, 4}, DType::Int64), L{3, 1}, w, 1, false),
                       doctest::Contains("gru: expected a float32 or float64 x, got int64"), Error);
  CHECK_THROWS_WITH_AS(gru(x, L{3, 1}, w, 1, true),
                       doctest::Contains("gru: expected 8 weight tensors (4 per layer and direction, 1 layers, 2 "
                                         "directions), got 4"),
                       Error);
  CHECK_THROWS_WITH_AS(gru(x, Tensor::from_vector<double>({3, 1}, {2}), w, 1, false),
                       doctest::Contains("gru: expected lengths as a 1-D int64 tensor, got float64 [2]"), Error);
}

TEST_CASE("gru: matches PyTorch's packed bidirectional GRU (fixture from tools/make_fixtures.py)") {
  std::ifstream file(std::string(SCAN_SOURCE_DIR) + "/tests/fixtures/gru_bidirectional.json");
  REQUIRE(file.good());
  const nlohmann::json fixture = nlohmann::json::parse(file);
  REQUIRE(fixture["cases"].size() == 2);
  for (const nlohmann::json& c : fixture["cases"]) {
    const int64_t B = c["batch"], T = c["time"], in = c["input_size"], H = c["hidden_size"], layers = c["num_layers"];
    const std::vector<int64_t> lengths = c["lengths"].get<std::vector<int64_t>>();
    const std::vector<std::string> names = c["parameter_names"].get<std::vector<std::string>>();
    REQUIRE(names.size() == static_cast<size_t>(8 * layers));
    for (const auto& item :
         {std::tuple{"float64", DType::Float64, 1e-10}, std::tuple{"float32", DType::Float32, 1e-5}}) {
      const auto& key = std::get<0>(item);
      const auto& dtype = std::get<1>(item);
      const auto& tolerance = std::get<2>(item);
      CAPTURE(layers);
      CAPTURE(key);
      const nlohmann::json& data = c[key];
      // JSON numbers are doubles; a float32 value is stored as the double equal to it, so .to() is exact.
      auto tensor = [&](const nlohmann::json& values, const Shape& shape) {
        return Tensor::from_vector<double>(values.get<std::vector<double>>(), shape).to(dtype);
      };
      // |got − expected| ≤ tolerance · max(1, |expected|) elementwise.
      auto check_close = [&](const Tensor& got, const nlohmann::json& expected, const std::string& what) {
        CAPTURE(what);
        const std::vector<double> g = got.to_vector<double>(), e = expected.get<std::vector<double>>();
        REQUIRE(g.size() == e.size());
        double worst = 0;
        for (size_t i = 0; i < g.size(); ++i)
          worst = std::max(worst, std::abs(g[i] - e[i]) / std::max(1.0, std::abs(e[i])));
        CHECK(worst <= tolerance);
      };
      Tensor x = tensor(data["x"], {B, T, in}).set_requires_grad();
      std::vector<Tensor> weights;
      for (size_t i = 0; i < names.size(); ++i) {
        CHECK(names[i] == gru_weight_name(static_cast<int64_t>(i), 2));
        const int64_t layer_in = i < 8 ? in : 2 * H;
        const Shape shape = i % 4 == 0 ? Shape{3 * H, layer_in} : i % 4 == 1 ? Shape{3 * H, H} : Shape{3 * H};
        weights.push_back(tensor(data["parameters"][names[i]], shape).set_requires_grad());
      }
      const GruOutput r = gru(x, lengths, weights, layers, true);
      check_close(r.output, data["output"], "output");
      check_close(r.h_n, data["h_n"], "h_n");
      projected_loss(r, tensor(c["w_out"], {B, T, 2 * H}), tensor(c["w_h"], {2 * layers, B, H})).backward();
      check_close(x.grad(), data["grad_x"], "grad x");
      for (size_t i = 0; i < names.size(); ++i)
        check_close(weights[i].grad(), data["grad_parameters"][names[i]], names[i]);
    }
  }
}

TEST_CASE("gradcheck: gru catalogue cases") { check_catalogue_family("layers/gru/"); }
