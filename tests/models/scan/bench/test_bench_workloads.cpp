#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/bench/bench_workloads.h"
#include "models/scan/data/vocab.h"

using namespace scan;

namespace {
BenchSizes tiny() {
  return {.regions = 3, .img_dim = 5, .embed_size = 4, .word_dim = 2, .vocab_size = 10, .min_words = 2,
          .max_words = 4, .batch_size = 6};
}
}  // namespace

TEST_CASE("bench source: captions of min..max words between <start> and <end>, 5 per image, from the seed") {
  const BenchSource source(tiny(), 8, 3);
  CHECK(source.size() == 40);
  CHECK(source.num_images() == 8);
  CHECK(source.image_row(17) == 3);
  int64_t tokens = 0;
  std::set<int64_t> lengths;
  for (int64_t item = 0; item < source.size(); ++item) {
    const auto ids = source.caption(item);
    REQUIRE(ids.size() >= 4);
    REQUIRE(ids.size() <= 6);
    lengths.insert(static_cast<int64_t>(ids.size()));
    CHECK(ids.front() == Vocabulary::kStart);
    CHECK(ids.back() == Vocabulary::kEnd);
    for (std::size_t k = 1; k + 1 < ids.size(); ++k) {
      CHECK(ids[k] > Vocabulary::kUnk);
      CHECK(ids[k] < 10);
    }
    tokens += static_cast<int64_t>(ids.size());
  }
  CHECK(lengths.size() == 3);  // 40 draws of 2..4 words hit every length
  CHECK(source.tokens() == tokens);
  CHECK(source.tokens({0, 1}) == static_cast<int64_t>(source.caption(0).size() + source.caption(1).size()));

  const BenchSource again(tiny(), 8, 3), other(tiny(), 8, 4);
  bool same = true, differs = false;
  for (int64_t item = 0; item < source.size(); ++item) {
    const auto a = source.caption(item), b = again.caption(item), c = other.caption(item);
    same = same && std::vector<int64_t>(a.begin(), a.end()) == std::vector<int64_t>(b.begin(), b.end());
    differs = differs || std::vector<int64_t>(a.begin(), a.end()) != std::vector<int64_t>(c.begin(), c.end());
  }
  CHECK(same);
  CHECK(differs);
  CHECK_THROWS_WITH_AS(source.caption(40), doctest::Contains("item 40 is out of range for 40 captions"), fw::Error);
}

TEST_CASE("bench source: an image row's features depend on the seed and the row only, between 0 and 1") {
  const BenchSource source(tiny(), 8, 3);
  const int64_t n = 3 * 5;
  std::vector<float> pair(2 * n), single(n);
  source.copy_image_rows({2, 5}, pair.data());
  source.copy_image_rows({5}, single.data());
  CHECK(std::vector<float>(pair.begin() + n, pair.end()) == single);
  CHECK(std::vector<float>(pair.begin(), pair.begin() + n) != single);
  for (const float v : pair) {
    CHECK(v >= 0.f);
    CHECK(v < 1.f);
  }
  CHECK_THROWS_WITH_AS(source.copy_image_rows({8}, single.data()), doctest::Contains("image row 8 is out of range"),
                       fw::Error);
  CHECK_THROWS_AS(BenchSource(tiny(), 0, 1), fw::Error);
  BenchSizes bad = tiny();
  bad.min_words = 5;
  CHECK_THROWS_WITH_AS(BenchSource(bad, 2, 1), doctest::Contains("min_words <= max_words"), fw::Error);
}

TEST_CASE("bench batch: batch_size captions of distinct images, sorted by length as collate sorts") {
  const BenchSource source(tiny(), 8, 3);
  const Batch batch = bench_batch(source);
  CHECK(batch.size() == 6);
  CHECK(batch.images.shape() == fw::Shape{6, 3, 5});
  std::set<int64_t> images;
  for (const int64_t item : batch.items) images.insert(source.image_row(item));
  CHECK(images.size() == 6);
  for (std::size_t k = 1; k < batch.lengths.size(); ++k) CHECK(batch.lengths[k - 1] >= batch.lengths[k]);
  // With fewer images than the batch size, one caption of each image.
  CHECK(bench_batch(BenchSource(tiny(), 4, 3)).size() == 4);
}

TEST_CASE("bench FLOPs: the products a step and an evaluation cannot avoid, counted by hand") {
  const BenchSizes s = tiny();  // R 3, D 5, E 4, W 2
  // Step, N = 6 captions, T = 30 tokens:
  //   image encoder 4 N R D E = 4·6·3·5·4 = 1440
  //   bi-GRU 3 · 2 directions · 2 · T · 3E (W + E) = 12 · 30 · 12 · 6 = 25920
  //   cross attention 6 N R E T = 6·6·3·4·30 = 12960
  CHECK(train_step_flops(s, 6, 30) == doctest::Approx(1440 + 25920 + 12960));
  // Evaluation of 2 images, T = 30: 2·2·3·5·4 = 240, 2·2·30·12·6 = 8640, 2·2·3·4·30 = 1440.
  CHECK(evaluation_flops(s, 2, 30) == doctest::Approx(240 + 8640 + 1440));
  // The full size: about 178 GFLOP for a batch of 128 captions of 14.1 tokens on average.
  CHECK(train_step_flops(BenchSizes{}, 128, 1806) / 1e9 == doctest::Approx(177.9).epsilon(0.001));
}

TEST_CASE("bench options: the Flickr30K t-i AVG configuration at the bench sizes") {
  const ScanOptions o = bench_options(BenchSizes{});
  CHECK(o.img_dim == 2048);
  CHECK(o.embed_size == 1024);
  CHECK(o.word_dim == 300);
  CHECK(o.vocab_size == 8481);
  CHECK(o.bi_gru);
  CHECK(o.max_violation);
  CHECK(o.agg_func == "Mean");
  CHECK(o.cross_attn == "t2i");
  CHECK(o.raw_feature_norm == "clipped_l2norm");
  CHECK(o.lambda_softmax == 9.0);
}
