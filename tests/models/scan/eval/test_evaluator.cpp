// encode_split / compute_sims / validate on a tiny in-memory split and a tiny float32 ScanModel:
// which image rows are kept, file order, exact sharding, no autograd graph.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "models/scan/data/source.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/model/scan_model.h"
#include "tests/models/scan/eval/tiny_split.h"

namespace {

using scan::testing::kEmbed;
using scan::testing::kImgDim;
using scan::testing::kRegions;
using scan::testing::tiny_model;
using scan::testing::tiny_source;
using scan::testing::TinySource;

// Embedding of caption `item` of `data` encoded on its own: [len, d].
fw::Tensor encode_alone(const scan::ScanModel& model, const TinySource& data, int64_t item) {
  fw::NoGradGuard no_grad;
  const std::span<const int64_t> ids = data.caption(item);
  const auto len = static_cast<int64_t>(ids.size());
  const fw::Tensor tensor = fw::Tensor::from_vector(std::vector<int64_t>(ids.begin(), ids.end()), {1, len});
  return model.encode_captions(tensor, {len}).select(0, 0);
}

// Embedding of image row `row` of `data` encoded on its own: [R, d].
fw::Tensor encode_row(const scan::ScanModel& model, const TinySource& data, int64_t row) {
  fw::NoGradGuard no_grad;
  fw::Tensor features = fw::Tensor::empty({1, kRegions, kImgDim});
  data.copy_image_rows({row}, features.data<float>());
  return model.encode_images(features).select(0, 0);
}

double max_abs_diff(const fw::Tensor& a, const fw::Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
  return worst;
}

bool records_no_graph(const fw::Tensor& t) { return t.grad_fn() == nullptr && !t.requires_grad(); }

}  // namespace

TEST_CASE("encode_split keeps one image per 5 captions and every caption in file order") {
  const TinySource data = tiny_source(15, 5);  // 3 images, 5 captions each
  const scan::ScanModel model = tiny_model("t2i");
  // Batches of 4 cross image boundaries, and collate sorts each batch by length.
  const scan::Embeddings emb = scan::encode_split(model, data, 4);

  CHECK(emb.images.shape() == fw::Shape{3, kRegions, kEmbed});
  CHECK(emb.captions.shape() == fw::Shape{15, 6, kEmbed});  // the longest caption has 6 ids
  CHECK(emb.images.dtype() == fw::DType::Float32);
  CHECK(emb.captions.dtype() == fw::DType::Float32);
  CHECK(emb.num_images() == 3);
  CHECK(emb.num_captions() == 15);
  REQUIRE(emb.lengths.size() == 15);
  for (int64_t i = 0; i < 15; ++i) {
    INFO("caption ", i);
    const auto len = static_cast<int64_t>(data.caption(i).size());
    CHECK(emb.lengths[i] == len);
    CHECK(max_abs_diff(emb.captions.select(0, i).narrow(0, 0, len), encode_alone(model, data, i)) < 1e-6);
    if (len < 6) CHECK(max_abs_diff(emb.captions.select(0, i).narrow(0, len, 6 - len),
                                    fw::Tensor::zeros({6 - len, kEmbed})) == 0.0);
  }
  for (int64_t k = 0; k < 3; ++k) {
    INFO("image ", k);
    CHECK(max_abs_diff(emb.images.select(0, k), encode_row(model, data, k)) < 1e-6);
  }
  // The rows really differ, so the checks above would catch a wrong row.
  CHECK(max_abs_diff(encode_row(model, data, 0), encode_row(model, data, 1)) > 1e-2);
}

TEST_CASE("encode_split on images stored once per caption (im_div 1) takes every 5th image row") {
  const TinySource data = tiny_source(15, 1);  // 15 image rows, all different
  const scan::ScanModel model = tiny_model("t2i");
  const scan::Embeddings emb = scan::encode_split(model, data, 7);
  REQUIRE(emb.images.shape() == fw::Shape{3, kRegions, kEmbed});
  for (int64_t k = 0; k < 3; ++k) {
    INFO("image ", k, " is row ", 5 * k);
    CHECK(max_abs_diff(emb.images.select(0, k), encode_row(model, data, 5 * k)) < 1e-6);
    if (k > 0) CHECK(max_abs_diff(emb.images.select(0, k), encode_row(model, data, k)) > 1e-2);
  }
}

TEST_CASE("encode_split does not depend on the batch size") {
  const TinySource data = tiny_source(10, 5);
  const scan::ScanModel model = tiny_model("i2t");
  const scan::Embeddings whole = scan::encode_split(model, data, 100);
  for (int batch_size : {1, 3, 5}) {
    INFO("batch_size ", batch_size);
    const scan::Embeddings emb = scan::encode_split(model, data, batch_size);
    CHECK(emb.lengths == whole.lengths);
    CHECK(max_abs_diff(emb.images, whole.images) < 1e-6);
    CHECK(max_abs_diff(emb.captions, whole.captions) < 1e-6);
  }
}

TEST_CASE("compute_sims equals the scores of the whole set at once, for every shard size") {
  const TinySource data = tiny_source(15, 5);
  for (const char* direction : {"t2i", "i2t"}) {
    const scan::ScanModel model = tiny_model(direction);
    const scan::Embeddings emb = scan::encode_split(model, data, 4);
    fw::Tensor expected;
    {
      fw::NoGradGuard no_grad;
      expected = model.scores(emb.images, emb.captions, emb.lengths);
    }
    REQUIRE(expected.shape() == fw::Shape{3, 15});
    // Captions of mixed lengths in file order: compute_sims scores them in order of length and
    // must put every score back in its caption's column.
    CHECK_FALSE(std::is_sorted(emb.lengths.begin(), emb.lengths.end()));
    for (int64_t shard : {1, 2, 4, 100}) {
      INFO(direction, ", shard ", shard);
      const fw::Tensor sims = scan::compute_sims(model, emb, shard);
      CHECK(sims.shape() == fw::Shape{3, 15});
      CHECK(sims.dtype() == fw::DType::Float32);
      CHECK(max_abs_diff(sims, expected) < 1e-6);
    }
    // The scores are not all alike, so the comparison above is meaningful.
    const std::vector<float> values = expected.to_vector<float>();
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    CHECK(*high - *low > 1e-3);
  }
}

TEST_CASE("compute_sims reports its progress after each block of images") {
  const TinySource data = tiny_source(15, 5);
  const scan::ScanModel model = tiny_model("t2i");
  const scan::Embeddings emb = scan::encode_split(model, data, 8);
  std::vector<std::pair<int64_t, int64_t>> calls;
  scan::compute_sims(model, emb, 2, [&](int64_t done, int64_t total) { calls.emplace_back(done, total); });
  CHECK(calls == std::vector<std::pair<int64_t, int64_t>>{{2, 3}, {3, 3}});
}

TEST_CASE("encode_split and compute_sims build no autograd graph even with grad mode on") {
  REQUIRE(fw::grad_enabled());
  const TinySource data = tiny_source(10, 5);
  const scan::ScanModel model = tiny_model("t2i");
  REQUIRE(model.parameters().front().requires_grad());
  const scan::Embeddings emb = scan::encode_split(model, data, 3);
  CHECK(records_no_graph(emb.images));
  CHECK(records_no_graph(emb.captions));
  const fw::Tensor sims = scan::compute_sims(model, emb, 2);
  CHECK(records_no_graph(sims));
  CHECK(fw::grad_enabled());  // restored afterwards
}

TEST_CASE("validate is the full protocol on the sims of the split") {
  const TinySource data = tiny_source(15, 5);
  const scan::ScanModel model = tiny_model("t2i");
  const scan::Evaluation result = scan::validate(model, data, 4);
  const scan::Evaluation expected = scan::evaluate_full(scan::compute_sims(model, scan::encode_split(model, data, 15)));
  CHECK(result.protocol == scan::Protocol::Full);
  CHECK(result.n_images == 3);
  CHECK(result.n_captions == 15);
  CHECK(result.runs.size() == 1);
  CHECK(result.runs[0].i2t.ranks == expected.runs[0].i2t.ranks);
  CHECK(result.runs[0].t2i.ranks == expected.runs[0].t2i.ranks);
  CHECK(result.metrics.rsum() == doctest::Approx(expected.metrics.rsum()));
}

TEST_CASE("encode_split and compute_sims reject bad input with a message") {
  const scan::ScanModel model = tiny_model("t2i");
  CHECK_THROWS_WITH_AS(scan::encode_split(model, tiny_source(12, 1), 4),
                       "encode_split: expected a positive multiple of 5 captions (5 per image), got 12", fw::Error);
  CHECK_THROWS_WITH_AS(scan::encode_split(model, tiny_source(10, 5), 0),
                       "encode_split: expected batch_size > 0, got 0", fw::Error);
  const scan::Embeddings emb = scan::encode_split(model, tiny_source(10, 5), 4);
  CHECK_THROWS_WITH_AS(scan::compute_sims(model, emb, 0), "compute_sims: expected shard > 0, got 0", fw::Error);
  scan::Embeddings short_lengths = emb;
  short_lengths.lengths.pop_back();
  CHECK_THROWS_WITH_AS(scan::compute_sims(model, short_lengths), "compute_sims: expected 10 caption lengths, got 9",
                       fw::Error);
}
