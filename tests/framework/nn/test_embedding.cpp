#include <doctest/doctest.h>

#include "framework/nn/embedding.h"
#include "framework/ops/elementwise.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

TEST_CASE("Embedding module: lookup, name, SCAN's uniform init") {
  Generator gen(3);
  nn::Embedding table(8481, 300, gen);
  CHECK(table.named_parameters().at(0).first == "weight");
  CHECK(table.parameter_count() == 2544300);  // F30K vocabulary
  double largest = 0;
  for (float v : table.weight.to_vector<float>()) largest = std::max(largest, double(std::abs(v)));
  CHECK(largest <= 0.1);
  CHECK(largest > 0.099);

  nn::Embedding small(3, 2, gen);
  {
    NoGradGuard no_grad;
    copy_(small.weight, Tensor::from_vector<float>({0, 1, 2, 3, 4, 5}, {3, 2}));
  }
  const Tensor out = small.forward(Tensor::from_vector<int64_t>({2, 0}, {1, 2}));
  CHECK(out.shape() == Shape{1, 2, 2});
  CHECK(out.to_vector<float>() == std::vector<float>{4, 5, 0, 1});
}

TEST_CASE("gradcheck: embedding catalogue case") { check_catalogue_family("layers/embedding"); }
