#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "framework/core/error.h"
#include "models/scan/data/batch.h"
#include "models/scan/data/dataset.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::DType;
using fw::Error;
using fw::Generator;
using fw::Shape;
using fw::Tensor;
using scan_test::TempDir;
using scan_test::toy_vocab;
using Ids = std::vector<int64_t>;

namespace {

bool is_permutation_of_range(Ids order) {
  std::sort(order.begin(), order.end());
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i] != static_cast<int64_t>(i)) return false;
  return true;
}

}  // namespace

TEST_CASE("batch: orders") {
  CHECK(sequential_order(4) == Ids{0, 1, 2, 3});
  CHECK(sequential_order(0).empty());
  Generator a(11), b(11), c(12);
  const Ids first = shuffled_order(50, a);
  CHECK(is_permutation_of_range(first));
  CHECK(first == shuffled_order(50, b));  // same seed, same order
  CHECK(first != shuffled_order(50, c));
  CHECK(first != shuffled_order(50, a));  // the next epoch of the same stream differs
  // Fisher-Yates with gen.below, as documented (a checkpoint can resume the stream).
  Generator g(5), h(5);
  Ids expected = sequential_order(6);
  for (int64_t i = 5; i > 0; --i) std::swap(expected[i], expected[static_cast<int64_t>(h.below(i + 1))]);
  CHECK(shuffled_order(6, g) == expected);
  // Every permutation of 3 items is about equally likely (1,000 expected each; 5 sigma ~ 150).
  Generator u(1);
  std::map<Ids, int> counts;
  for (int k = 0; k < 6000; ++k) ++counts[shuffled_order(3, u)];
  CHECK(counts.size() == 6);
  for (const auto& [order, count] : counts) CHECK(std::abs(count - 1000) < 150);
  CHECK(shuffled_order(1, u) == Ids{0});
  CHECK(shuffled_order(0, u).empty());
}

TEST_CASE("batch: collate sorts by caption length (stable), pads with 0 and stacks image rows") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(4, 3, 2),
                         scan_test::toy_captions(20));
  const PrecompDataset data(root.str(), "toy_precomp", "train", toy_vocab());
  // Caption lengths: item i has i % 3 + 4 ids.
  const Batch batch = collate(data, {0, 1, 2, 3, 4, 17});
  CHECK(batch.items == Ids{2, 17, 1, 4, 0, 3});
  CHECK(batch.lengths == Ids{6, 6, 5, 5, 4, 4});
  CHECK(batch.size() == 6);
  REQUIRE(batch.captions.shape() == Shape{6, 6});
  CHECK(batch.captions.dtype() == DType::Int64);
  CHECK(batch.captions.to_vector<int64_t>() == Ids{1, 4, 4, 4, 5, 2,  //
                                                   1, 4, 4, 4, 5, 2,  //
                                                   1, 4, 4, 5, 2, 0,  //
                                                   1, 4, 4, 5, 2, 0,  //
                                                   1, 4, 5, 2, 0, 0,  //
                                                   1, 4, 5, 2, 0, 0});
  REQUIRE(batch.images.shape() == Shape{6, 3, 2});
  CHECK(batch.images.dtype() == DType::Float32);
  // Row b holds image row items[b] / 5: item 17 -> image 3, region 2, dim 1 = 3 + 0.02 + 0.0001.
  CHECK(batch.images.at({1, 2, 1}) == doctest::Approx(3.0201));
  CHECK(batch.images.at({0, 1, 0}) == doctest::Approx(0.01));
  CHECK(batch.images.at({3, 0, 1}) == doctest::Approx(0.0001));
  // A batch of one works.
  const Batch one = collate(data, {9});
  CHECK(one.captions.shape() == Shape{1, 4});
  CHECK(one.images.shape() == Shape{1, 3, 2});
  CHECK(one.images.at({0, 0, 0}) == doctest::Approx(1.0));
  CHECK_THROWS_WITH_AS(collate(data, {}), doctest::Contains("collate: expected at least one item"), Error);
}

TEST_CASE("batch: collate_captions is collate without the images") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(4, 3, 2),
                         scan_test::toy_captions(20));
  const PrecompDataset data(root.str(), "toy_precomp", "train", toy_vocab());
  const Ids items{0, 1, 2, 3, 4, 17};
  const Batch full = collate(data, items);
  const Batch captions = collate_captions(data, items);
  CHECK(captions.items == full.items);
  CHECK(captions.lengths == full.lengths);
  CHECK(captions.captions.shape() == full.captions.shape());
  CHECK(captions.captions.to_vector<int64_t>() == full.captions.to_vector<int64_t>());
  CHECK_FALSE(captions.images.defined());
  CHECK_THROWS_WITH_AS(collate_captions(data, {}), doctest::Contains("collate: expected at least one item"), Error);
}

TEST_CASE("batch: float64 features are converted to float32") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "test",
                         Tensor::from_vector<double>({0.5, 1.5, 2.5, 3.5}, {2, 1, 2}), scan_test::toy_captions(2));
  const PrecompDataset data(root.str(), "toy_precomp", "test", toy_vocab());
  const Batch batch = collate(data, {1, 0});
  CHECK(batch.images.dtype() == DType::Float32);
  CHECK(batch.images.to_vector<float>() == std::vector<float>{2.5f, 3.5f, 0.5f, 1.5f});  // item 1 is longer
}

TEST_CASE("batch: a Batcher epoch visits every item once, the last batch partial") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(4, 1, 1),
                         scan_test::toy_captions(20));
  const PrecompDataset data(root.str(), "toy_precomp", "train", toy_vocab());
  Batcher batches(data, 6);
  CHECK(batches.num_batches() == 4);
  CHECK(batches.order() == sequential_order(20));
  Generator gen(3);
  batches.shuffle(gen);
  CHECK(batches.order() != sequential_order(20));
  Ids seen;
  std::vector<int64_t> sizes;
  for (int64_t b = 0; b < batches.num_batches(); ++b) {
    const Batch batch = batches.batch(b);
    sizes.push_back(batch.size());
    // Each batch holds the next slice of the epoch order, re-sorted by length.
    Ids slice(batches.order().begin() + b * 6, batches.order().begin() + std::min<int64_t>(b * 6 + 6, 20));
    Ids items = batch.items;
    std::sort(slice.begin(), slice.end());
    std::sort(items.begin(), items.end());
    CHECK(items == slice);
    CHECK(std::is_sorted(batch.lengths.rbegin(), batch.lengths.rend()));
    for (int64_t r = 0; r < batch.size(); ++r) CHECK(batch.images.at({r, 0, 0}) == batch.items[r] / 5);
    seen.insert(seen.end(), batch.items.begin(), batch.items.end());
  }
  CHECK(sizes == std::vector<int64_t>{6, 6, 6, 2});
  CHECK(is_permutation_of_range(seen));
  batches.sequential();
  CHECK(batches.batch(3).items == Ids{19, 18});  // items 18, 19 have 4 and 5 ids
  CHECK_THROWS_WITH_AS(batches.batch(4), doctest::Contains("Batcher::batch: batch 4 is outside 0..3"), Error);
  CHECK_THROWS_WITH_AS(Batcher(data, 0), doctest::Contains("Batcher: expected batch_size > 0, got 0"), Error);
  Batcher singles(data, 1);
  CHECK(singles.num_batches() == 20);
  CHECK(singles.batch(19).items == Ids{19});
}
