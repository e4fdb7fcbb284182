#include "framework/optim/sgd.h"

#include <doctest/doctest.h>

#include "framework/autograd/grad_mode.h"
#include "framework/ops/elementwise.h"

using namespace fw;
using fw::optim::SGD;
using fw::optim::SGDOptions;

namespace {

Tensor param(const std::vector<double>& values) {
  return Tensor::from_vector<double>(values, {int64_t(values.size())}).set_requires_grad();
}

void set_grad(const Tensor& p, const std::vector<double>& g) {
  p.set_grad(Tensor::from_vector<double>(g, {int64_t(g.size())}).to(p.dtype()));
}

void check_values(const Tensor& t, const std::vector<double>& expected, double eps = 1e-14) {
  const std::vector<double> got = t.to_vector<double>();
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(expected[i]).epsilon(eps));
}

}  // namespace

// From p = [1, -2], lr 0.1, gradients [0.5, -1], [0.2, 0.3], [-0.4, 0.1], in plain arithmetic:
//   d = g + wd*p;  buf = d (first step) else momentum*buf + (1 - dampening)*d;  p = p - lr*buf
TEST_CASE("SGD: momentum and weight decay match the hand-computed update") {
  Tensor p = param({1.0, -2.0});
  SGD sgd({p}, SGDOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
  set_grad(p, {0.5, -1.0});
  sgd.step();
  check_values(p, {0.949, -1.898});               // buf = [0.51, -1.02]
  check_values(sgd.momentum_buffer(0), {0.51, -1.02});
  set_grad(p, {0.2, 0.3});
  sgd.step();
  check_values(p, {0.882151, -1.834302});         // buf = [0.66849, -0.63698]
  check_values(sgd.momentum_buffer(0), {0.66849, -0.63698});
  set_grad(p, {-0.4, 0.1});
  sgd.step();
  check_values(p, {0.861104749, -1.785139498});   // buf = [0.21046251, -0.49162502]
  check_values(sgd.momentum_buffer(0), {0.21046251, -0.49162502});
}

TEST_CASE("SGD: without momentum no buffer is kept, dampening scales later gradients") {
  Tensor p = param({1.0, -2.0});
  SGD plain({p}, SGDOptions{.lr = 0.1});
  set_grad(p, {0.5, -1.0});
  plain.step();
  check_values(p, {0.95, -1.9});
  set_grad(p, {0.2, 0.3});
  plain.step();
  check_values(p, {0.93, -1.93});
  CHECK_FALSE(plain.momentum_buffer(0).defined());
  CHECK(plain.state_dict().empty());

  Tensor q = param({1.0, -2.0});
  SGD damped({q}, SGDOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.5});
  set_grad(q, {0.5, -1.0});
  damped.step();  // buf = g, undamped on the first step
  check_values(q, {0.95, -1.9});
  set_grad(q, {0.2, 0.3});
  damped.step();  // buf = 0.9 [0.5, -1] + 0.5 [0.2, 0.3] = [0.55, -0.75]
  check_values(q, {0.895, -1.825});
}

TEST_CASE("SGD: parameters without a gradient are skipped") {
  Tensor a = param({1.0}), b = param({2.0});
  SGD sgd({{"a", a}, {"b", b}}, SGDOptions{.lr = 0.5, .momentum = 0.9});
  set_grad(a, {1.0});
  sgd.step();
  check_values(a, {0.5});
  check_values(b, {2.0});
  CHECK_FALSE(sgd.momentum_buffer(1).defined());
  const auto state = sgd.state_dict();
  CHECK(state.size() == 1);
  CHECK(state.count("a.momentum_buffer") == 1);
}

TEST_CASE("SGD: momentum state round trip") {
  Tensor p = param({1.0, -2.0}), q = param({1.0, -2.0});
  SGD first({{"w", p}}, SGDOptions{.lr = 0.1, .momentum = 0.9});
  set_grad(p, {0.5, -1.0});
  first.step();
  SGD resumed({{"w", q}}, SGDOptions{.lr = 0.1, .momentum = 0.9});
  resumed.load_state_dict(first.state_dict());
  {
    NoGradGuard no_grad;
    copy_(q, p);
  }
  set_grad(p, {0.2, 0.3});
  set_grad(q, {0.2, 0.3});
  first.step();
  resumed.step();
  CHECK(q.to_vector<double>() == p.to_vector<double>());
  CHECK_THROWS_WITH_AS(resumed.load_state_dict({{"w.momentum_buffer", Tensor::zeros({3}, DType::Float64)},
                                               {"w.exp_avg", Tensor::zeros({2}, DType::Float64)}}),
                       "SGD::load_state_dict: the state does not match the parameters:\n"
                       "  'w.exp_avg' is not the state of any parameter\n"
                       "  w.momentum_buffer: expected [2] float64, got [3] float64",
                       Error);
}

TEST_CASE("SGD: float32 parameters") {
  Tensor p = Tensor::from_vector<float>({1.0f, -2.0f}, {2}).set_requires_grad();
  SGD sgd({p}, SGDOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
  set_grad(p, {0.5, -1.0});
  sgd.step();
  check_values(p, {0.949, -1.898}, 1e-6);
}
