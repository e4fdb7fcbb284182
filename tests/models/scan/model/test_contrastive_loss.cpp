#include <doctest/doctest.h>

#include "models/scan/model/contrastive_loss.h"
#include "tests/support/catalogue_checks.h"

using namespace fw;

namespace {
// S[i, j] = score(image i, caption j). Hinge terms with margin 0.2 (worked out by hand):
//   C_s  (row anchor, S[i,i]):    row 1: 0.3 (j=0), 0.45 (j=2); row 2: 0.1 (j=1); row 0: none
//   C_im (column anchor, S[j,j]): col 1: 0.5 (i=2); col 2: 0.05 (i=1); col 0: none
// Sum of hinges: 0.85 + 0.55 = 1.4. Hardest negatives: rows 0 + 0.45 + 0.1, columns 0 + 0.5 + 0.05 = 1.1.
Tensor example_scores() {
  return Tensor::from_vector<double>({0.9, 0.1, 0.3,  //
                                      0.5, 0.4, 0.65,  //
                                      0.2, 0.7, 0.8},
                                     {3, 3});
}
}  // namespace

TEST_CASE("contrastive loss: sum of hinges and hardest negatives, hand-computed") {
  CHECK(scan::contrastive_loss(example_scores(), {0.2, false}).item() == doctest::Approx(1.4).epsilon(1e-12));
  CHECK(scan::contrastive_loss(example_scores(), {0.2, true}).item() == doctest::Approx(1.1).epsilon(1e-12));
}

TEST_CASE("contrastive loss: the gradient goes to the hardest negatives and the positives") {
  Tensor s = example_scores().set_requires_grad();
  scan::contrastive_loss(s, {0.2, true}).backward();
  // Row 1 -> (1,2), row 2 -> (2,1), column 1 -> (2,1), column 2 -> (1,2); each pulls its positive down.
  CHECK(s.grad().to_vector<double>() == std::vector<double>{0, 0, 0, 0, -2, 2, 0, 2, -2});
}

TEST_CASE("contrastive loss: the diagonal never counts, even with a large margin") {
  // With margin 1 every off-diagonal pair of a constant matrix violates by exactly 1;
  // the diagonal (which would also give 1) is masked: 2·(n² − n) = 12 for n = 3.
  const Tensor s = Tensor::full({3, 3}, 0.5, DType::Float64);
  CHECK(scan::contrastive_loss(s, {1.0, false}).item() == doctest::Approx(12.0));
  CHECK(scan::contrastive_loss(s, {1.0, true}).item() == doctest::Approx(6.0));
}

TEST_CASE("contrastive loss: a batch of one has no negatives") {
  CHECK(scan::contrastive_loss(Tensor::full({1, 1}, 0.3, DType::Float64), {0.2, true}).item() == 0.0);
}

TEST_CASE("contrastive loss rejects a non-square score matrix") {
  CHECK_THROWS_WITH_AS(scan::contrastive_loss(Tensor::zeros({2, 3})),
                       doctest::Contains("contrastive_loss: expected a square score matrix [B, B], got [2, 3]"),
                       Error);
}

TEST_CASE("gradcheck: contrastive loss catalogue cases") { check_catalogue_family("layers/contrastive_loss/"); }
