// contrastive_loss against SCAN's ContrastiveLoss.forward run by PyTorch
// (tests/fixtures/contrastive_loss.json, from tools/make_fixtures.py): the loss and its gradient
// on a 5 × 5 score matrix, margin 0.2, sum of hinges and max_violation, float64 and float32.
#include <doctest/doctest.h>

#include <string>
#include <tuple>

#include "models/scan/model/contrastive_loss.h"
#include "tests/support/json_fixture.h"

using namespace fw;
using fw::testing::check_close;
using fw::testing::json_tensor;

TEST_CASE("contrastive loss parity: sum of hinges and max_violation match SCAN's PyTorch code") {
  const nlohmann::json fixture = fw::testing::load_fixture("contrastive_loss.json");
  const int64_t n = fixture["n"];
  const double margin = fixture["margin"];
  REQUIRE(fixture["cases"].size() == 2);
  for (const nlohmann::json& c : fixture["cases"]) {
    const bool max_violation = c["max_violation"];
    CAPTURE(max_violation);
    for (const auto& [key, dtype, tolerance] :
         {std::tuple{"float64", DType::Float64, 1e-12}, std::tuple{"float32", DType::Float32, 1e-6}}) {
      const std::string precision = key;  // CAPTURE of a const char* would print the pointer
      CAPTURE(precision);
      Tensor scores = json_tensor(fixture["scores"], {n, n}, dtype).set_requires_grad();
      const Tensor loss = scan::contrastive_loss(scores, {margin, max_violation});
      CHECK(loss.dtype() == dtype);
      const double expected = c[key]["loss"];
      CHECK(loss.item() == doctest::Approx(expected).epsilon(tolerance));
      loss.backward();
      // The gradient entries are small integers (counts of active hinges), so they must agree exactly.
      check_close(scores.grad(), c[key]["grad_scores"], 0.0, "gradient of the scores");
    }
  }
}
