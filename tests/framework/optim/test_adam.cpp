#include "framework/optim/adam.h"

#include <doctest/doctest.h>

#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/io/safetensors.h"
#include "tests/framework/io/temp_dir.h"

using namespace fw;
using fw::optim::Adam;
using fw::optim::AdamOptions;
using fw::optim::AdamState;

namespace {

Tensor param(const std::vector<double>& values, DType dtype) {
  return Tensor::from_vector<double>(values, {int64_t(values.size())}).to(dtype).set_requires_grad();
}

void set_grad(const Tensor& p, const std::vector<double>& g) {
  p.set_grad(Tensor::from_vector<double>(g, {int64_t(g.size())}).to(p.dtype()));
}

void check_values(const Tensor& t, const std::vector<double>& expected, double eps) {
  const std::vector<double> got = t.to_vector<double>();
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(expected[i]).epsilon(eps));
}

}  // namespace

// Expected values from the update of adam.h in plain double arithmetic (lr 0.1, betas 0.9/0.999,
// eps 1e-8), e.g. in Python:
//   m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g
//   p = p - (lr/(1-b1**t)) * (m / (math.sqrt(v)/math.sqrt(1-b2**t) + eps))
// from p = [1, -2] with gradients [0.5, -1], [0.2, 0.3], [-0.4, 0.1].
TEST_CASE("Adam: three steps match the hand-computed update, float64 and float32") {
  for (DType dtype : {DType::Float64, DType::Float32}) {
    INFO(dtype_name(dtype));
    const double eps = dtype == DType::Float64 ? 1e-13 : 1e-6;
    Tensor p = param({1.0, -2.0}, dtype);
    Adam adam({p}, AdamOptions{.lr = 0.1});
    set_grad(p, {0.5, -1.0});
    adam.step();
    // t=1: m = 0.1 g, v = 0.001 g², so m̂/sqrt(v̂) = sign(g) up to eps: p ∓ 0.1.
    check_values(p, {0.900000002, -1.900000001}, eps);
    check_values(adam.state(0).exp_avg, {0.05, -0.1}, eps);
    check_values(adam.state(0).exp_avg_sq, {0.00025, 0.001}, eps);
    set_grad(p, {0.2, 0.3});
    adam.step();
    check_values(p, {0.8101424839029282, -1.8572151424292265}, eps);
    check_values(adam.state(0).exp_avg, {0.065, -0.06}, eps);
    check_values(adam.state(0).exp_avg_sq, {0.00028975, 0.001089}, eps);
    set_grad(p, {-0.4, 0.1});
    adam.step();
    check_values(p, {0.7925145982082051, -1.830389924788512}, eps);
    check_values(adam.state(0).exp_avg, {0.0185, -0.044}, eps);
    check_values(adam.state(0).exp_avg_sq, {0.00044946025, 0.001097911}, eps);
    CHECK(adam.state(0).step == 3);
    CHECK(p.requires_grad());
  }
}

// Same formula with g <- g + 0.1 p before the moments (PyTorch's Adam weight decay).
TEST_CASE("Adam: weight decay is added to the gradient") {
  Tensor p = param({1.0, -2.0}, DType::Float64);
  Adam adam({p}, AdamOptions{.lr = 0.1, .weight_decay = 0.1});
  set_grad(p, {0.5, -1.0});
  adam.step();
  check_values(p, {0.9000000016666666, -1.9000000008333333}, 1e-13);
  set_grad(p, {0.2, 0.3});
  adam.step();
  check_values(p, {0.8072814605072346, -1.8400703555381717}, 1e-13);
}

TEST_CASE("Adam: parameters without a gradient are skipped, step counts are per parameter") {
  Tensor a = param({1.0, -2.0}, DType::Float64), b = param({1.0, -2.0}, DType::Float64);
  Adam adam({{"a", a}, {"b", b}}, AdamOptions{.lr = 0.1});
  set_grad(a, {0.5, -1.0});
  adam.step();
  CHECK(b.to_vector<double>() == std::vector<double>{1.0, -2.0});
  CHECK(adam.state(1).step == 0);
  CHECK_FALSE(adam.state(1).exp_avg.defined());
  CHECK(adam.state_dict().count("b.step") == 0);

  set_grad(a, {0.2, 0.3});
  set_grad(b, {0.5, -1.0});
  adam.step();
  CHECK(adam.state(0).step == 2);
  CHECK(adam.state(1).step == 1);
  check_values(b, {0.900000002, -1.900000001}, 1e-13);  // b's first step, bias-corrected with t = 1
  check_values(a, {0.8101424839029282, -1.8572151424292265}, 1e-13);
}

TEST_CASE("Adam: learning rate is settable, zero_grad drops gradients") {
  Tensor p = param({1.0}, DType::Float64);
  Adam adam({p}, AdamOptions{.lr = 0.1});
  CHECK(adam.lr() == 0.1);
  adam.set_lr(0.01);
  CHECK(adam.lr() == 0.01);
  set_grad(p, {0.5});
  adam.step();
  check_values(p, {0.9900000002}, 1e-13);  // m̂ = 0.5, sqrt(v̂) = 0.5: 1 - 0.01 * 0.5/(0.5 + 1e-8)
  adam.zero_grad();
  CHECK_FALSE(p.grad().defined());
  CHECK_THROWS_WITH_AS(adam.set_lr(-1), doctest::Contains("Adam: the learning rate must be finite and non-negative"),
                       Error);
}

TEST_CASE("Adam: state round trip through a safetensors checkpoint resumes identically") {
  TempDir dir;
  Generator gen(3);
  const Tensor init = Tensor::normal({4, 3}, 0.0, 1.0, gen);
  std::vector<Tensor> grads;
  for (int i = 0; i < 3; ++i) grads.push_back(Tensor::normal({4, 3}, 0.0, 1.0, gen));

  Tensor p = init.clone().detach().set_requires_grad(), unused = Tensor::zeros({2}).set_requires_grad();
  Adam adam({{"w", p}, {"unused", unused}}, AdamOptions{.lr = 0.05});
  for (int i = 0; i < 2; ++i) {
    p.set_grad(grads[i]);
    adam.step();
  }
  const auto state = adam.state_dict();
  CHECK(state.size() == 3);  // w.exp_avg, w.exp_avg_sq, w.step; "unused" never stepped
  CHECK(state.at("w.step").dtype() == DType::Int64);
  save_safetensors(dir.file("adam.safetensors"), state);

  Tensor q = p.clone().detach().set_requires_grad(), unused2 = Tensor::zeros({2}).set_requires_grad();
  Adam resumed({{"w", q}, {"unused", unused2}}, AdamOptions{.lr = 0.05});
  resumed.load_state_dict(load_safetensors(dir.file("adam.safetensors")).tensors);
  CHECK(resumed.state(0).step == 2);
  CHECK(resumed.state(1).step == 0);
  p.set_grad(grads[2]);
  q.set_grad(grads[2]);
  adam.step();
  resumed.step();
  CHECK(q.to_vector<float>() == p.to_vector<float>());  // bitwise
  CHECK(resumed.state(0).exp_avg_sq.to_vector<float>() == adam.state(0).exp_avg_sq.to_vector<float>());
}

TEST_CASE("Adam: set_state and load_state_dict check the state against the parameters") {
  Tensor p = param({1.0, 2.0}, DType::Float32);
  Adam adam({{"w", p}});
  CHECK_THROWS_WITH_AS(adam.set_state(0, {1, Tensor::zeros({3}), Tensor::zeros({2})}),
                       "Adam::set_state: the state does not match the parameters:\n"
                       "  w.exp_avg: expected [2] float32, got [3] float32",
                       Error);
  CHECK_THROWS_WITH_AS(adam.set_state(1, {}), doctest::Contains("Adam::set_state: parameter index 1 is out of range"),
                       Error);
  const std::map<std::string, Tensor> bad{{"w.exp_avg", Tensor::zeros({2}, DType::Float64)},
                                          {"w.step", Tensor::scalar(0, DType::Int64)},
                                          {"v.step", Tensor::scalar(1, DType::Int64)}};
  CHECK_THROWS_WITH_AS(adam.load_state_dict(bad),
                       "Adam::load_state_dict: the state does not match the parameters:\n"
                       "  'v.step' is not the state of any parameter\n"
                       "  w.exp_avg: expected [2] float32, got [2] float64\n"
                       "  w.exp_avg_sq is missing\n"
                       "  w.step must be positive, got 0",
                       Error);
  AdamState resumed{5, Tensor::full({2}, 0.5), Tensor::full({2}, 0.25)};
  adam.set_state(0, resumed);
  CHECK(adam.state(0).step == 5);
  CHECK_FALSE(adam.state(0).exp_avg.shares_storage_with(resumed.exp_avg));  // the optimiser owns a copy
}

TEST_CASE("Adam: the update is bitwise identical for any thread count") {
  Generator gen(11);
  const Tensor init = Tensor::normal({200000}, 0.0, 1.0, gen);  // several parallel chunks
  const Tensor grad = Tensor::normal({200000}, 0.0, 1.0, gen);
  const int threads = num_threads();
  std::vector<std::vector<float>> results;
  for (int t : {1, 3}) {
    set_num_threads(t);
    Tensor p = init.clone().detach().set_requires_grad();
    Adam adam({p}, AdamOptions{.weight_decay = 0.01});
    for (int i = 0; i < 2; ++i) {
      p.set_grad(grad);
      adam.step();
    }
    results.push_back(p.to_vector<float>());
  }
  set_num_threads(threads);
  CHECK(results[0] == results[1]);
  CHECK(results[0] != init.to_vector<float>());
}

TEST_CASE("Adam: a non-contiguous parameter is updated in place") {
  Tensor base = Tensor::from_vector<double>({1, 2, 3, 4}, {2, 2});
  Tensor p = base.transpose(0, 1).detach().set_requires_grad();  // a leaf view of base
  Adam adam({p}, AdamOptions{.lr = 0.1});
  p.set_grad(Tensor::from_vector<double>({1, 0, 0, 0}, {2, 2}));  // only p[0][0] = base[0][0] moves
  adam.step();
  check_values(base, {0.900000001, 2, 3, 4}, 1e-13);  // first step: 1 - 0.1 * 1/(1 + 1e-8)
}

TEST_CASE("Adam: rejects bad options and integer parameters") {
  CHECK_THROWS_WITH_AS(Adam({Tensor::zeros({1})}, AdamOptions{.beta1 = 1.0}),
                       doctest::Contains("Adam: beta1 must be in [0, 1), got 1"), Error);
  CHECK_THROWS_WITH_AS(Adam({{"ids", Tensor::zeros({1}, DType::Int64)}}),
                       doctest::Contains("Adam: parameter 'ids' is int64, expected float32 or float64"), Error);
}
