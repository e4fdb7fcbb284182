// clip_grad_norm and Adam against PyTorch (tests/fixtures/adam_clip.json, from
// tools/make_fixtures.py): torch.nn.utils.clip_grad_norm_(params, 2.0) then torch.optim.Adam
// (lr 2e-4, defaults), twice, on three parameters with given gradients; one step of each case is
// clipped, the other is not. Some gradients are tiny (sqrt(v̂) ~ eps), where eps placement shows.
#include <doctest/doctest.h>

#include <string>
#include <tuple>

#include "framework/optim/adam.h"
#include "framework/optim/clip_grad.h"
#include "tests/support/json_fixture.h"

using namespace fw;
using fw::testing::check_close;
using fw::testing::json_tensor;

TEST_CASE("Adam parity: clip_grad_norm then two Adam steps match torch.optim.Adam") {
  const nlohmann::json fixture = fw::testing::load_fixture("adam_clip.json");
  const std::vector<Shape> shapes = fixture["shapes"].get<std::vector<Shape>>();
  const double max_norm = fixture["max_norm"];
  optim::AdamOptions options;
  options.lr = fixture["lr"];
  options.beta1 = fixture["betas"][0];
  options.beta2 = fixture["betas"][1];
  options.eps = fixture["eps"];
  options.weight_decay = fixture["weight_decay"];
  REQUIRE(fixture["cases"].size() == 2);
  int clipped_steps = 0, unclipped_steps = 0;
  for (size_t case_index = 0; case_index < fixture["cases"].size(); ++case_index) {
    const nlohmann::json& c = fixture["cases"][case_index];
    CAPTURE(case_index);
    // A parameter moves by about lr per step, so the float32 tolerance (relative to max(1, |p|))
    // stays far below one update: a wrong update formula cannot pass.
    for (const auto& [key, dtype, tolerance] :
         {std::tuple{"float64", DType::Float64, 1e-13}, std::tuple{"float32", DType::Float32, 1e-6}}) {
      const std::string precision = key;  // CAPTURE of a const char* would print the pointer
      CAPTURE(precision);
      std::vector<Tensor> params;
      for (size_t i = 0; i < shapes.size(); ++i)
        params.push_back(json_tensor(fixture["initial"][i], shapes[i], dtype).set_requires_grad());
      optim::Adam adam(params, options);
      for (size_t step = 0; step < c["steps"].size(); ++step) {
        CAPTURE(step);
        const nlohmann::json& expected = c[key][step];
        for (size_t i = 0; i < params.size(); ++i)
          params[i].set_grad(json_tensor(c["steps"][step]["grads"][i], shapes[i], dtype));
        const double total = optim::clip_grad_norm(params, max_norm);
        const double expected_total = expected["total_norm"];
        CHECK(total == doctest::Approx(expected_total).epsilon(dtype == DType::Float64 ? 1e-14 : 1e-6));
        (expected_total > max_norm ? clipped_steps : unclipped_steps) += 1;
        for (size_t i = 0; i < params.size(); ++i)
          check_close(params[i].grad(), expected["clipped_grads"][i], tolerance, "clipped gradient");
        adam.step();
        for (size_t i = 0; i < params.size(); ++i)
          check_close(params[i], expected["params_after"][i], tolerance, "parameter after the step");
      }
    }
  }
  CHECK(clipped_steps > 0);
  CHECK(unclipped_steps > 0);
}
