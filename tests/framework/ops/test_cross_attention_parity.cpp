// cross_attention_scores against SCAN's own code: tests/fixtures/cross_attention.json holds the
// scores and input gradients of the original per-caption loop (xattn_score_t2i / xattn_score_i2t,
// transcribed in tools/make_fixtures.py) run by PyTorch, for every direction, first normalisation
// and aggregation, in float64 and float32. The captions are padded with non-zero garbage, which
// the original never sees (it slices each caption to its length).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <tuple>

#include "framework/ops/cross_attention.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"
#include "models/scan/model/cross_attention_flags.h"
#include "tests/support/json_fixture.h"

using namespace fw;
using fw::testing::check_close;
using fw::testing::json_tensor;

TEST_CASE("cross_attention parity: every direction, norm and aggregation matches SCAN's PyTorch code") {
  const nlohmann::json fixture = fw::testing::load_fixture("cross_attention.json");
  const int64_t n_img = fixture["n_img"], R = fixture["regions"], n_cap = fixture["n_cap"], L = fixture["max_len"],
                d = fixture["d"];
  const std::vector<int64_t> cap_lens = fixture["cap_lens"].get<std::vector<int64_t>>();
  REQUIRE(static_cast<int64_t>(cap_lens.size()) == n_cap);
  REQUIRE(fixture["cases"].size() == 2 * 7 * 4);

  std::set<std::string> seen;
  for (const nlohmann::json& c : fixture["cases"]) {
    CrossAttentionOptions options;
    options.direction = scan::parse_cross_attn(c["direction"]);
    options.norm = scan::parse_raw_feature_norm(c["raw_feature_norm"]);
    options.agg = scan::parse_aggregation(c["agg_func"]);
    options.lambda_softmax = c["lambda_softmax"];
    options.lambda_lse = c["lambda_lse"];
    const std::string name = std::string(to_string(options.direction)) + " " + to_string(options.norm) + " " +
                             to_string(options.agg);
    CAPTURE(name);
    seen.insert(name);
    // float32: both sides round differently at every step; they differ by up to about 5e-6 here,
    // as much as PyTorch's own float32 run differs from its float64 run (7e-6).
    for (const auto& [key, dtype, tolerance] :
         {std::tuple{"float64", DType::Float64, 1e-10}, std::tuple{"float32", DType::Float32, 2e-5}}) {
      const std::string precision = key;  // CAPTURE of a const char* would print the pointer
      CAPTURE(precision);
      const nlohmann::json& expected = c[key];
      Tensor images = json_tensor(fixture["images"], {n_img, R, d}, dtype).set_requires_grad();
      Tensor captions = json_tensor(fixture["captions"], {n_cap, L, d}, dtype).set_requires_grad();
      const Tensor w = json_tensor(fixture["w"], {n_img, n_cap}, dtype);

      const Tensor scores = cross_attention_scores(images, captions, cap_lens, options);
      REQUIRE(scores.shape() == Shape{n_img, n_cap});
      check_close(scores, expected["scores"], tolerance, "scores");
      sum(scores * w).backward();
      check_close(images.grad(), expected["grad_images"], tolerance, "gradient of the images");
      check_close(captions.grad(), expected["grad_captions"], tolerance, "gradient of the captions");

      // Padded words: exactly zero gradient, here and in the original.
      const std::vector<double> ours = captions.grad().to_vector<double>();
      const std::vector<double> theirs = expected["grad_captions"].get<std::vector<double>>();
      for (int64_t cap = 0; cap < n_cap; ++cap)
        for (int64_t j = cap_lens[cap]; j < L; ++j)
          for (int64_t k = 0; k < d; ++k) {
            const size_t at = static_cast<size_t>((cap * L + j) * d + k);
            CHECK(ours[at] == 0.0);
            CHECK(theirs[at] == 0.0);
          }
    }
  }
  CHECK(seen.size() == 2 * 7 * 4);  // every combination exactly once
}
