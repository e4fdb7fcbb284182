// The tiling shared by compute_sims and score_split: which captions share a tile, how far a tile
// is padded, and scores written straight into file-order columns.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/core/tensor.h"
#include "models/scan/eval/score_tiles.h"
#include "tests/models/scan/eval/tiny_split.h"

using Ids = std::vector<int64_t>;

TEST_CASE("plan_caption_tiles takes captions shortest first (stable), padded to a multiple of 4 but not past max_len") {
  const std::vector<scan::CaptionTile> tiles = scan::plan_caption_tiles({5, 3, 6, 3, 4, 9, 3}, 3, 10);
  REQUIRE(tiles.size() == 3);
  CHECK(tiles[0].members == Ids{1, 3, 6});  // the three 3s, in file order
  CHECK(tiles[0].lengths == Ids{3, 3, 3});
  CHECK(tiles[0].padded_length == 4);
  CHECK(tiles[1].members == Ids{4, 0, 2});
  CHECK(tiles[1].lengths == Ids{4, 5, 6});
  CHECK(tiles[1].padded_length == 8);
  CHECK(tiles[2].members == Ids{5});
  CHECK(tiles[2].padded_length == 10);  // 9 rounds up to 12, capped at max_len
  CHECK(scan::plan_caption_tiles({2, 4}, 8, 4).at(0).padded_length == 4);  // already a multiple of 4
  CHECK(scan::plan_caption_tiles({}, 8, 4).empty());
  CHECK_THROWS_WITH_AS(scan::plan_caption_tiles({3}, 0, 4), "plan_caption_tiles: expected shard > 0, got 0",
                       fw::Error);
  CHECK_THROWS_WITH_AS(scan::plan_caption_tiles({3, 5}, 2, 4),
                       "plan_caption_tiles: caption 1 has length 5, expected 1..4", fw::Error);
  CHECK_THROWS_WITH_AS(scan::plan_caption_tiles({0}, 2, 4), doctest::Contains("caption 0 has length 0"), fw::Error);
}

TEST_CASE("plan_caption_tiles sorts within windows of kTilesPerWindow tiles of consecutive captions") {
  constexpr int64_t kW = scan::kTilesPerWindow;
  CHECK(scan::tiling_window(2 * kW + 15, 2) == 2 * kW);
  CHECK(scan::tiling_window(2 * kW, 2) == 2 * kW);
  CHECK(scan::tiling_window(2 * kW - 1, 2) == 2 * kW - 1);  // one window of all
  CHECK(scan::tiling_window(25000, 128) == 128 * kW);
  CHECK(scan::tiling_window(128 * kW - 8, 128) == 128 * kW - 8);
  // 2 kW + 10 captions, shard 2: a window of 2 kW (kW tiles), then one of 10 (5 tiles). Lengths
  // fall from 2 kW + 10 to 1, so each window sorted on its own puts its own last caption first.
  const int64_t n = 2 * kW + 10;
  std::vector<int64_t> lengths;
  for (int64_t c = 0; c < n; ++c) lengths.push_back(n - c);
  const std::vector<scan::CaptionTile> tiles = scan::plan_caption_tiles(lengths, 2, n);
  REQUIRE(static_cast<int64_t>(tiles.size()) == kW + 5);
  CHECK(tiles[0].members == Ids{2 * kW - 1, 2 * kW - 2});
  CHECK(tiles[kW - 1].members == Ids{1, 0});
  CHECK(tiles[kW].members == Ids{n - 1, n - 2});
  CHECK(tiles[kW + 4].members == Ids{2 * kW + 1, 2 * kW});
  CHECK(tiles[0].padded_length == 12);                      // lengths 11 and 12
  CHECK(tiles[kW - 1].padded_length == n);                  // n = 26 rounds up to 28, capped
  CHECK(tiles[kW].padded_length == 4);                      // lengths 1 and 2
}

TEST_CASE("score_into_columns writes a block's scores to the given rows and columns only") {
  using scan::testing::kEmbed;
  using scan::testing::kRegions;
  const scan::ScanModel model = scan::testing::tiny_model("i2t");
  fw::Generator gen(9);
  const fw::Tensor images = fw::Tensor::uniform({2, kRegions, kEmbed}, -1, 1, gen);
  const fw::Tensor captions = fw::Tensor::uniform({3, 4, kEmbed}, -1, 1, gen);
  const Ids lengths{4, 2, 3};
  fw::Tensor expected;
  {
    fw::NoGradGuard no_grad;
    expected = model.scores(images, captions, lengths);
  }
  fw::Tensor sims = fw::Tensor::full({4, 5}, -7.0);
  scan::score_into_columns(model, images, captions, lengths, {4, 0, 2}, 1, sims);
  const std::vector<float> got = sims.to_vector<float>(), want = expected.to_vector<float>();
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t c = 0; c < 5; ++c) {
      CAPTURE(i);
      CAPTURE(c);
      const bool written = (i == 1 || i == 2) && (c == 4 || c == 0 || c == 2);
      const int64_t j = c == 4 ? 0 : c == 0 ? 1 : 2;
      CHECK(got[i * 5 + c] == (written ? want[(i - 1) * 3 + j] : -7.0f));
    }
  CHECK_THROWS_WITH_AS(scan::score_into_columns(model, images, captions, lengths, {0, 1}, 0, sims),
                       "score_into_columns: expected one column per caption, got 2 columns for 3 captions", fw::Error);
  CHECK_THROWS_WITH_AS(scan::score_into_columns(model, images, captions, lengths, {0, 1, 5}, 0, sims),
                       "score_into_columns: column 5 is outside 0..4", fw::Error);
  CHECK_THROWS_WITH_AS(scan::score_into_columns(model, images, captions, lengths, {0, 1, 2}, 3, sims),
                       "score_into_columns: image rows [3, 5) do not fit the 4 rows of the scores", fw::Error);
}
