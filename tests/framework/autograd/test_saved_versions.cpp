// A tensor an op saved for its backward, written in place before the backward runs: an error
// naming the op instead of a silently wrong gradient. Writes after backward (an optimiser step)
// stay allowed.
#include <doctest/doctest.h>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"
#include "framework/optim/sgd.h"

using namespace fw;

TEST_CASE("saved tensors: an in-place write before backward is an error naming the op") {
  Tensor x = Tensor::full({3}, 2.0).set_requires_grad();
  Tensor w = Tensor::full({3}, 3.0).set_requires_grad();
  const Tensor y = sum(x * w);  // mul saves x and w: dy/dx = w
  {
    NoGradGuard no_grad;
    add_(w, Tensor::ones({3}));
  }
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("a tensor that op 'mul' saved for its backward was modified "
                                                       "in place after the forward"),
                       Error);

  // An op that saves its output (exp) sees a write through any view of the same storage.
  Tensor z = Tensor::full({2}, 0.5).set_requires_grad();
  const Tensor e = exp(z);
  const Tensor loss = sum(e);
  Tensor alias = e.detach();
  fill_(alias, 0.0);
  CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("op 'exp' saved"), Error);
}

TEST_CASE("saved tensors: writes after backward, and writes to what no op saved, are fine") {
  Tensor x = Tensor::full({3}, 2.0).set_requires_grad();
  Tensor w = Tensor::full({3}, 3.0).set_requires_grad();
  optim::SGD sgd({x, w}, {.lr = 0.1});
  for (int step = 0; step < 2; ++step) {  // forward, backward, update in place, and again
    sgd.zero_grad();
    sum(x * w).backward();
    sgd.step();
  }
  CHECK(x.to_vector<double>()[0] == doctest::Approx(2.0 - 0.3 - 0.1 * (3.0 - 0.2)));

  // add saves nothing: changing an input of an addition before backward does not change its gradient.
  Tensor a = Tensor::ones({2}).set_requires_grad();
  Tensor b = Tensor::ones({2});
  const Tensor s = sum(a + b);
  fill_(b, 5.0);
  s.backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{1.0, 1.0});
}

TEST_CASE("saved tensors: a gradient accumulated into .grad counts as an in-place write") {
  Tensor w = Tensor::ones({2}).set_requires_grad();
  Tensor x = Tensor::full({2}, 3.0).set_requires_grad();
  sum(w * 2.0).backward();  // w.grad = [2, 2]
  const Tensor g = w.grad();
  const Tensor y = sum(x * g);  // mul saves g: dy/dx = g
  sum(w * 2.0).backward();      // adds into w.grad in place: g is now [4, 4]
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("op 'mul' saved for its backward"), Error);
}
