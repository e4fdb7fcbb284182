#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "framework/nn/gru.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

using namespace fw;

TEST_CASE("GRU module: PyTorch's parameter names, shapes, order and count") {
  Generator gen(1);
  const nn::GRU gru(5, 3, 2, true, gen);
  const auto params = gru.named_parameters();
  // clang-format off
  const std::vector<std::pair<std::string, Shape>> expected{
      {"weight_ih_l0", {9, 5}},         {"weight_hh_l0", {9, 3}},         {"bias_ih_l0", {9}},
      {"bias_hh_l0", {9}},              {"weight_ih_l0_reverse", {9, 5}}, {"weight_hh_l0_reverse", {9, 3}},
      {"bias_ih_l0_reverse", {9}},      {"bias_hh_l0_reverse", {9}},      {"weight_ih_l1", {9, 6}},
      {"weight_hh_l1", {9, 3}},         {"bias_ih_l1", {9}},              {"bias_hh_l1", {9}},
      {"weight_ih_l1_reverse", {9, 6}}, {"weight_hh_l1_reverse", {9, 3}}, {"bias_ih_l1_reverse", {9}},
      {"bias_hh_l1_reverse", {9}}};
  // clang-format on
  REQUIRE(params.size() == expected.size());
  for (size_t i = 0; i < params.size(); ++i) {
    CAPTURE(i);
    CHECK(params[i].first == expected[i].first);
    CHECK(params[i].second.shape() == expected[i].second);
    CHECK(params[i].second.dtype() == DType::Float32);
    CHECK(params[i].second.requires_grad());
  }
  const nn::GRU uni(4, 2, 1, false, gen);
  CHECK(uni.named_parameters().size() == 4);
  CHECK(uni.parameter_count() == 6 * 4 + 6 * 2 + 6 + 6);
}

TEST_CASE("GRU module: SCAN's text GRU size and PyTorch's U(−1/√H, 1/√H) init") {
  Generator gen(7);
  const nn::GRU gru(300, 1024, 1, true, gen);
  // 2 directions · (3·1024·300 + 3·1024·1024 + 2·3·1024)
  CHECK(gru.parameter_count() == 8146944);
  const double bound = 1.0 / 32.0;  // 1/√1024
  for (const auto& item : gru.named_parameters()) {
    const auto& name = item.first;
    const auto& t = item.second;
    CAPTURE(name);
    double largest = 0, total = 0;
    for (float v : t.to_vector<float>()) {
      largest = std::max(largest, double(std::abs(v)));
      total += v;
    }
    CHECK(largest <= bound);
    CHECK(largest > 0.99 * bound);
    CHECK(std::abs(total / double(t.numel())) < 0.1 * bound);  // centred
  }
}

TEST_CASE("GRU module: forward runs the fused op on its parameters, gradients reach every parameter") {
  Generator gen(3);
  const nn::GRU gru(3, 2, 2, true, gen, DType::Float64);
  CHECK(gru.parameter("bias_hh_l1_reverse").dtype() == DType::Float64);
  const Tensor x = Tensor::uniform({3, 4, 3}, -1, 1, gen, DType::Float64);
  const std::vector<int64_t> lengths{2, 4, 1};
  const GruOutput r = gru.forward(x, lengths);
  CHECK(r.output.shape() == Shape{3, 4, 4});
  CHECK(r.h_n.shape() == Shape{4, 3, 2});
  const GruOutput direct = fw::gru(x, lengths, gru.flat_weights(), 2, true);
  CHECK(r.output.to_vector<double>() == direct.output.to_vector<double>());
  CHECK(r.h_n.to_vector<double>() == direct.h_n.to_vector<double>());
  const GruOutput with_tensor_lengths = gru.forward(x, Tensor::from_vector<int64_t>({2, 4, 1}, {3}));
  CHECK(with_tensor_lengths.output.to_vector<double>() == r.output.to_vector<double>());

  (sum(r.output) + sum(r.h_n)).backward();
  for (const auto& item : gru.named_parameters()) {
    const auto& name = item.first;
    const auto& t = item.second;
    CAPTURE(name);
    REQUIRE(t.grad().defined());
    CHECK(t.grad().shape() == t.shape());
    double norm = 0;
    for (double v : t.grad().to_vector<double>()) norm += v * v;
    CHECK(norm > 0);
  }
}

TEST_CASE("GRU module: the same seed gives the same weights, bad sizes are rejected") {
  Generator a(5), b(5);
  const nn::GRU first(4, 3, 1, true, a), second(4, 3, 1, true, b);
  for (size_t i = 0; i < first.parameters().size(); ++i)
    CHECK(first.parameters()[i].to_vector<float>() == second.parameters()[i].to_vector<float>());
  CHECK_THROWS_WITH_AS(nn::GRU(4, 0, 1, false, a),
                       doctest::Contains("GRU: sizes must be positive, got input_size=4 hidden_size=0 num_layers=1"),
                       Error);
}
