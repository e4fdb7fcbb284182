// score_split against compute_sims(encode_split(...)) on a tiny split: bitwise the same scores
// whatever the chunks (tiling windows) and batches, for both image layouts and both attention
// directions; COCO 1K-style folds scored through ItemRange; progress, times, no autograd graph,
// and argument errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/core/tensor.h"
#include "models/scan/data/item_range.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/score_tiles.h"
#include "models/scan/eval/streamed_scores.h"
#include "tests/models/scan/eval/tiny_split.h"

namespace {

using scan::testing::tiny_model;
using scan::testing::tiny_source;
using scan::testing::TinySource;

// Exact equality of two float32 tensors of one shape, element by element.
bool bitwise_equal(const fw::Tensor& a, const fw::Tensor& b) {
  return a.dtype() == fw::DType::Float32 && b.dtype() == fw::DType::Float32 && a.shape() == b.shape() &&
         a.to_vector<float>() == b.to_vector<float>();
}

double max_abs_diff(const fw::Tensor& a, const fw::Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<float> x = a.to_vector<float>(), y = b.to_vector<float>();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(static_cast<double>(x[i]) - y[i]));
  return worst;
}

}  // namespace

TEST_CASE("score_split equals compute_sims of encode_split bitwise, chunk by chunk") {
  // 95 captions (19 images). A chunk is a tiling window of kTilesPerWindow (8) tiles: 16 captions
  // with shard 2, 24 with shard 3. Batches of 8 end on the chunk boundaries and leave a last batch
  // of 7; batches of 6 straddle some (12..17 with shard 2) and leave a last batch of 5. Blocks of
  // `shard` images leave a short block (19 = 9 x 2 + 1 = 6 x 3 + 1), tiles a short tile.
  for (const int64_t im_div : {int64_t{5}, int64_t{1}}) {
    const TinySource data = tiny_source(95, im_div);
    for (const std::string direction : {"t2i", "i2t"}) {
      const scan::ScanModel model = tiny_model(direction);
      for (const int batch_size : {8, 6}) {
        const scan::Embeddings embeddings = scan::encode_split(model, data, batch_size);
        for (const int64_t shard : {int64_t{2}, int64_t{3}}) {
          INFO("im_div ", im_div, ", ", direction, ", batch_size ", batch_size, ", shard ", shard);
          const fw::Tensor expected = scan::compute_sims(model, embeddings, shard);
          const fw::Tensor sims = scan::score_split(model, data, batch_size, shard);
          REQUIRE(sims.shape() == fw::Shape{19, 95});
          CHECK(bitwise_equal(sims, expected));
        }
      }
      // The scores differ from image to image and caption to caption, so a wrong image row or
      // column would show.
      const std::vector<float> values = scan::score_split(model, data, 8, 2).to_vector<float>();
      CHECK(values[0] != values[95]);
      CHECK(values[0] != values[1]);
    }
  }
}

TEST_CASE("score_split with images stored once per caption (im_div 1) scores image row 5k as image k") {
  using scan::testing::kImgDim;
  using scan::testing::kRegions;
  const TinySource data = tiny_source(15, 1);  // 15 different image rows
  const auto rows_of = [&](const std::vector<int64_t>& rows) {
    fw::Tensor features = fw::Tensor::empty({static_cast<int64_t>(rows.size()), kRegions, kImgDim});
    data.copy_image_rows(rows, features.data<float>());
    return TinySource(features, scan::testing::tiny_captions(15), 5);
  };
  const scan::ScanModel model = tiny_model("t2i");
  const fw::Tensor sims = scan::score_split(model, data, 4, 2);
  REQUIRE(sims.shape() == fw::Shape{3, 15});
  CHECK(bitwise_equal(sims, scan::score_split(model, rows_of({0, 5, 10}), 4, 2)));
  CHECK_FALSE(bitwise_equal(sims, scan::score_split(model, rows_of({0, 1, 2}), 4, 2)));
}

TEST_CASE("score_split reports the captions scored after each tile, and its times") {
  const TinySource data = tiny_source(95, 5);
  const scan::ScanModel model = tiny_model("t2i");
  std::vector<std::pair<int64_t, int64_t>> calls;
  scan::ScoreTimes times;
  // Shard 2: five chunks of 16 captions in 8 tiles of 2, then 15 in 7 tiles of 2 and 1 of 1.
  scan::score_split(model, data, 6, 2, [&](int64_t done, int64_t total) { calls.emplace_back(done, total); }, &times);
  std::vector<std::pair<int64_t, int64_t>> expected;
  for (int64_t done = 2; done < 95; done += 2) expected.emplace_back(done, 95);
  expected.emplace_back(95, 95);
  CHECK(calls == expected);
  CHECK(times.encode_seconds > 0);
  CHECK(times.score_seconds > 0);
}

TEST_CASE("score_split builds no autograd graph even with grad mode on") {
  REQUIRE(fw::grad_enabled());
  const scan::ScanModel model = tiny_model("i2t");
  REQUIRE(model.parameters().front().requires_grad());
  const fw::Tensor sims = scan::score_split(model, tiny_source(10, 5), 3, 2);
  CHECK(sims.grad_fn() == nullptr);
  CHECK_FALSE(sims.requires_grad());
  CHECK(fw::grad_enabled());
}

TEST_CASE("ItemRange folds scored on their own are the diagonal blocks of the whole matrix") {
  // 40 captions, 2 folds of 4 images: fold f is items [20f, 20f + 20). With shard 1 every score
  // is one (image, caption) call in both, so batches of 5, which start both folds on a batch of
  // the whole split, give the same bits; batches of 7 do not (20 = 2 x 7 + 6): some of the
  // fold's captions are encoded among other partners, the same up to rounding.
  for (const int64_t im_div : {int64_t{5}, int64_t{1}}) {
    const TinySource data = tiny_source(40, im_div);
    const scan::ScanModel model = tiny_model("t2i");
    for (const int batch_size : {5, 7}) {
      const fw::Tensor full = scan::score_split(model, data, batch_size, 1);
      REQUIRE(full.shape() == fw::Shape{8, 40});
      for (int64_t f = 0; f < 2; ++f) {
        INFO("im_div ", im_div, ", batch_size ", batch_size, ", fold ", f);
        const fw::Tensor block = scan::score_split(model, scan::ItemRange(data, 20 * f, 20), batch_size, 1);
        const fw::Tensor diagonal = full.narrow(0, 4 * f, 4).narrow(1, 20 * f, 20).contiguous();
        REQUIRE(block.shape() == fw::Shape{4, 20});
        if (batch_size == 5) CHECK(bitwise_equal(block, diagonal));
        CHECK(max_abs_diff(block, diagonal) <= 1e-6);
        // Another fold's images score these captions differently, so the check above means something.
        const fw::Tensor off_diagonal = full.narrow(0, 4 * (1 - f), 4).narrow(1, 20 * f, 20).contiguous();
        CHECK(max_abs_diff(block, off_diagonal) > 1e-3);
      }
    }
  }
}

TEST_CASE("score_split rejects bad arguments with a message naming them") {
  const scan::ScanModel model = tiny_model("t2i");
  const TinySource data = tiny_source(10, 5);
  CHECK_THROWS_WITH_AS(scan::score_split(model, data, 0), "score_split: expected batch_size > 0, got 0", fw::Error);
  CHECK_THROWS_WITH_AS(scan::score_split(model, data, 4, 0), "score_split: expected shard > 0, got 0", fw::Error);
  CHECK_THROWS_WITH_AS(scan::score_split(model, tiny_source(12, 1), 4),
                       "score_split: expected a positive multiple of 5 captions (5 per image), got 12", fw::Error);
}
