#include <doctest/doctest.h>
#include <pthread.h>

#include <functional>

#include "framework/autograd/engine.h"
#include "framework/autograd/grad_mode.h"
#include "framework/autograd/node.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

using namespace fw;

namespace {

Tensor leaf(const std::vector<double>& values, const Shape& shape) {
  return Tensor::from_vector<double>(values, shape).set_requires_grad();
}

// Runs `fn` on a thread with only `stack_bytes` of stack, and waits for it.
void run_with_small_stack(size_t stack_bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<std::function<void()>*>(arg))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attr, trampoline, &fn) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace

TEST_CASE("backward on a scalar: y = sum(a * b + a)") {
  Tensor a = leaf({1, 2, 3}, {3});
  Tensor b = leaf({4, 5, 6}, {3});
  const Tensor y = sum(a * b + a);
  CHECK(y.item() == 4 + 10 + 18 + 6);
  CHECK(y.requires_grad());
  CHECK_FALSE(y.is_leaf());
  CHECK(y.grad_fn()->name() == "sum");
  y.backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{5, 6, 7});  // b + 1
  CHECK(b.grad().to_vector<double>() == std::vector<double>{1, 2, 3});  // a
  CHECK_FALSE(a.grad().requires_grad());
  CHECK_FALSE(y.grad().defined());  // only leaves keep .grad
}

TEST_CASE("a leaf that does not require grad gets no gradient") {
  Tensor a = leaf({1, 2}, {2});
  const Tensor c = Tensor::from_vector<double>({3, 4}, {2});
  sum(a * c).backward();
  CHECK(a.grad().defined());
  CHECK_FALSE(c.grad().defined());
}

TEST_CASE("gradients accumulate into .grad across backward passes and zero_grad drops them") {
  Tensor a = leaf({1, 2}, {2});
  sum(a * 3.0).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{3, 3});
  sum(a * a).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{3 + 2, 3 + 4});
  a.zero_grad();
  CHECK_FALSE(a.grad().defined());
  sum(a).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{1, 1});
}

TEST_CASE("a tensor used on several paths (diamond) receives the sum of their gradients") {
  Tensor a = leaf({2, -3}, {2});
  const Tensor b = a * 2.0;           // one input, two consumers below
  const Tensor c = b * b + b * a;     // = 4a² + 2a² = 6a²
  sum(c).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{24, -36});  // 12 a
}

TEST_CASE("backward with an explicit gradient on a non-scalar output") {
  Tensor a = leaf({1, 2, 3, 4}, {2, 2});
  const Tensor y = a * a;
  y.backward(Tensor::from_vector<double>({1, 0, -1, 0.5}, {2, 2}));
  CHECK(a.grad().to_vector<double>() == std::vector<double>{2, 0, -6, 4});  // 2 a g
}

TEST_CASE("backward argument errors") {
  Tensor a = leaf({1, 2, 3, 4}, {2, 2});
  const Tensor y = a * 2.0;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("backward: a gradient must be given for a non-scalar output of "
                                                       "shape [2, 2]"),
                       Error);
  CHECK_THROWS_WITH_AS(y.backward(Tensor::ones({4}, DType::Float64)),
                       doctest::Contains("backward: the gradient has shape [4] but the output has shape [2, 2]"),
                       Error);
  CHECK_THROWS_WITH_AS(sum(Tensor::ones({2})).backward(),
                       doctest::Contains("backward: the tensor does not require grad"), Error);
  CHECK_THROWS_WITH_AS(Tensor().backward(), doctest::Contains("backward: called on an undefined tensor"), Error);
}

TEST_CASE("backward twice needs retain_graph the first time") {
  Tensor a = leaf({1, 2}, {2});
  const Tensor b = Tensor::from_vector<double>({3, 4}, {2});
  const Tensor y = sum(a * b);
  y.backward();
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("sum: the graph through this op was freed"), Error);

  Tensor c = leaf({1, 2}, {2});
  const Tensor z = sum(c * b);
  z.backward(Tensor(), /*retain_graph=*/true);
  z.backward();
  CHECK(c.grad().to_vector<double>() == std::vector<double>{6, 8});  // 2 b
}

TEST_CASE("NoGradGuard records nothing and restores the previous mode") {
  Tensor a = leaf({1, 2}, {2});
  CHECK(grad_enabled());
  {
    NoGradGuard no_grad;
    CHECK_FALSE(grad_enabled());
    const Tensor y = a * a + 1.0;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
    CHECK(y.is_leaf());
    {
      NoGradGuard nested;
      CHECK_FALSE(grad_enabled());
    }
    CHECK_FALSE(grad_enabled());  // the inner guard restores "off", not "on"
  }
  CHECK(grad_enabled());
  CHECK((a * a).requires_grad());
}

TEST_CASE("detach cuts the graph") {
  Tensor a = leaf({1, 2}, {2});
  const Tensor c = (a * 2.0).detach();  // a constant equal to 2a
  CHECK(c.is_leaf());
  CHECK_FALSE(c.requires_grad());
  sum(c * a).backward();  // d/da (c a) = c, not 4a
  CHECK(a.grad().to_vector<double>() == std::vector<double>{2, 4});
  const Tensor d = a.detach();
  CHECK(d.shares_storage_with(a));
  CHECK_FALSE(d.requires_grad());
}

TEST_CASE("set_requires_grad on a computed tensor names its op") {
  Tensor a = leaf({1, 2}, {2});
  Tensor y = a * a;
  CHECK_THROWS_WITH_AS(y.set_requires_grad(),
                       doctest::Contains("set_requires_grad: only leaf tensors can be marked; this one was computed "
                                         "by op 'mul'"),
                       Error);
}

TEST_CASE("backward releases what the ops saved unless retain_graph") {
  Tensor a = Tensor::ones({1000}, DType::Float64).set_requires_grad();
  const Tensor big = Tensor::full({1000}, 2.0, DType::Float64);
  CHECK(big.storage().use_count() == 1);
  {
    const Tensor y = sum(a * big);  // mul's backward saves big.detach(), which shares big's storage
    CHECK(big.storage().use_count() == 2);
    y.backward(Tensor(), /*retain_graph=*/true);
    CHECK(big.storage().use_count() == 2);
    y.backward();
    CHECK(big.storage().use_count() == 1);
  }

  // The nodes themselves die with the last tensor that refers to them.
  std::weak_ptr<Node> mul_node, accumulator;
  {
    const Tensor prod = a * big;
    mul_node = prod.grad_fn();
    accumulator = prod.grad_fn()->next_edges()[0].node;
    CHECK(accumulator.lock()->name() == "AccumulateGrad");
    CHECK_FALSE(mul_node.expired());
    sum(prod).backward();
  }
  CHECK(mul_node.expired());
  CHECK(accumulator.expired());
  CHECK(big.storage().use_count() == 1);
}

TEST_CASE("the graph records edges to the ops that made each input") {
  Tensor a = leaf({1, 2}, {2});
  const Tensor b = a * 2.0;
  const Tensor c = b + a;
  const auto& edges = c.grad_fn()->next_edges();
  REQUIRE(edges.size() == 2);
  CHECK(edges[0].node == b.grad_fn());
  CHECK(edges[0].node->name() == "mul_scalar");
  CHECK(edges[1].node->name() == "AccumulateGrad");
  CHECK(edges[1].node == b.grad_fn()->next_edges()[0].node);  // one accumulator per leaf
}

TEST_CASE("a long chain neither overflows the stack in backward nor when it is destroyed") {
  Tensor a = leaf({1}, {1});
  const Tensor one = Tensor::ones({1}, DType::Float64);
  Tensor x = a;
  for (int i = 0; i < 20000; ++i) x = x + one;
  CHECK(x.item() == 20001);
  sum(x).backward();
  CHECK(a.grad().item() == 1);
  x = Tensor();  // frees 20000 nodes
  CHECK(a.grad().item() == 1);
}

TEST_CASE("destroying a long graph takes constant stack") {
  // Each node owns the next through its edges; a recursive destruction would need a few stack
  // frames per node, far more than 256 KiB for 20000 nodes.
  Tensor a = leaf({1}, {1});
  Tensor x = a;
  for (int i = 0; i < 20000; ++i) x = x + 1.0;
  std::weak_ptr<Node> last = x.grad_fn();
  run_with_small_stack(256 * 1024, [&x]() { x = Tensor(); });
  CHECK(last.expired());
}
