#include <doctest/doctest.h>

#include <limits>

#include "framework/core/error.h"
#include "models/scan/data/dataset.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::Error;
using fw::Tensor;
using scan_test::TempDir;
using scan_test::toy_vocab;
namespace fs = std::filesystem;

TEST_CASE("dataset: five captions per image row give im_div 5") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(4, 3, 5),
                         scan_test::toy_captions(20));
  const PrecompDataset data(root.str(), "toy_precomp", "train", toy_vocab(), 5);
  CHECK(data.size() == 20);
  CHECK(data.num_captions_in_file() == 20);
  CHECK(data.im_div() == 5);
  CHECK(data.num_regions() == 3);
  CHECK(data.img_dim() == 5);
  CHECK(data.image_row(0) == 0);
  CHECK(data.image_row(4) == 0);
  CHECK(data.image_row(5) == 1);
  CHECK(data.image_row(19) == 3);
  auto ids = [&](int64_t item) { return std::vector<int64_t>(data.caption(item).begin(), data.caption(item).end()); };
  CHECK(ids(0) == std::vector<int64_t>{1, 4, 5, 2});        // <start> dog . <end>
  CHECK(ids(2) == std::vector<int64_t>{1, 4, 4, 4, 5, 2});  // <start> dog dog dog . <end>
  CHECK(data.caption_length(7) == 5);
  CHECK_THROWS_WITH_AS(data.caption(20), doctest::Contains("item 20 is outside 0..19"), Error);
  CHECK(data.images().row<float>(3)[2 * 5 + 1] == doctest::Approx(3.0201));
  data.check_features_finite();
}

TEST_CASE("dataset: one caption per image row gives im_div 1") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "test", scan_test::numbered_features(3, 2, 2),
                         scan_test::toy_captions(3));
  const PrecompDataset data(root.str(), "toy_precomp", "test", toy_vocab());
  CHECK(data.im_div() == 1);
  CHECK(data.size() == 3);
  CHECK(data.image_row(2) == 2);
}

TEST_CASE("dataset: dev is cut to its first 5,000 captions") {
  TempDir root;
  // Flickr30K-style: 5,070 replicated image rows, one caption each.
  scan_test::write_split(root.str(), "f30k_like", "dev", Tensor::zeros({5070, 1, 2}), scan_test::toy_captions(5070));
  const PrecompDataset f30k(root.str(), "f30k_like", "dev", toy_vocab());
  CHECK(f30k.num_captions_in_file() == 5070);
  CHECK(f30k.size() == 5000);
  CHECK(f30k.im_div() == 1);
  CHECK(f30k.image_row(4999) == 4999);
  // COCO-style: 5 captions per row; the first 1,000 images are used.
  scan_test::write_split(root.str(), "coco_like", "dev", Tensor::zeros({1100, 1, 2}), scan_test::toy_captions(5500));
  const PrecompDataset coco(root.str(), "coco_like", "dev", toy_vocab());
  CHECK(coco.size() == 5000);
  CHECK(coco.im_div() == 5);
  CHECK(coco.image_row(4999) == 999);
  // Only the dev split is cut, and a small dev split is kept whole.
  scan_test::write_split(root.str(), "coco_like", "test", Tensor::zeros({1100, 1, 2}), scan_test::toy_captions(5500));
  CHECK(PrecompDataset(root.str(), "coco_like", "test", toy_vocab()).size() == 5500);
  scan_test::write_split(root.str(), "small", "dev", Tensor::zeros({10, 1, 2}), scan_test::toy_captions(50));
  CHECK(PrecompDataset(root.str(), "small", "dev", toy_vocab()).size() == 50);
}

TEST_CASE("dataset: problems are reported when the dataset is opened, naming files") {
  TempDir root;
  const std::string folder = root.file("toy_precomp");
  const std::string both_missing = "PrecompDataset: split 'train': missing '" + folder + "/train_ims.npy', '" + folder +
                                   "/train_caps.txt' (the folder '" + folder + "' does not exist)";
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains(both_missing.c_str()), Error);
  scan_test::write_bytes(folder + "/train_caps.txt", "a dog\n");
  const std::string ims_missing = "missing '" + folder + "/train_ims.npy'; expected";
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains(ims_missing.c_str()), Error);

  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(3, 2, 4),
                         scan_test::toy_captions(15));
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab(), 2048),
                       doctest::Contains("train_ims.npy': expected img_dim 2048 (--img_dim), found 4 (shape [3, 2, 4])"),
                       Error);
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(3, 2, 4),
                         scan_test::toy_captions(7));
  const std::string count_rule = "train_caps.txt' has 7 captions but '" + folder +
                                 "/train_ims.npy' has 3 image rows; expected 3 (one caption per row) or 15";
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains(count_rule.c_str()), Error);
  scan_test::write_split(root.str(), "toy_precomp", "train", Tensor::zeros({3, 8}), scan_test::toy_captions(3));
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains("expected a 3-D array [images, regions, img_dim] with no empty dimension, "
                                         "found shape [3, 8]"),
                       Error);
  scan_test::write_split(root.str(), "toy_precomp", "train", Tensor::zeros({2, 1, 1}), {"a dog", " ", "x", "y"});
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains("train_caps.txt' line 2: empty caption"), Error);
}

TEST_CASE("dataset: a runaway caption is rejected with its file and line, before any batch pads to it") {
  TempDir root;
  std::vector<std::string> captions = scan_test::toy_captions(10);
  std::string words;
  for (int i = 0; i < 998; ++i) words += "dog ";
  captions[3] = words;  // 998 words + <start> + <end> = 1,000 tokens: still accepted
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(2, 1, 2), captions);
  CHECK(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()).caption_length(3) == 1000);
  captions[6] = words + "dog";
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(2, 1, 2), captions);
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains("train_caps.txt' line 7: a caption of 1001 tokens (with <start> and <end>); "
                                         "at most 1000 are accepted"),
                       Error);
}

TEST_CASE("dataset: a directory in place of a data file is named as such, not as missing") {
  TempDir root;
  scan_test::write_split(root.str(), "toy_precomp", "train", scan_test::numbered_features(2, 1, 2),
                         scan_test::toy_captions(10));
  const std::string caps = root.file("toy_precomp/train_caps.txt");
  fs::remove(caps);
  fs::create_directory(caps);
  CHECK_THROWS_WITH_AS(PrecompDataset(root.str(), "toy_precomp", "train", toy_vocab()),
                       doctest::Contains(("'" + caps + "' is a directory, expected a file").c_str()), Error);
}

TEST_CASE("dataset: check_features_finite names the first bad image row") {
  TempDir root;
  Tensor features = scan_test::numbered_features(40, 2, 3);
  features.data<float>()[(23 * 2 + 1) * 3 + 2] = std::numeric_limits<float>::quiet_NaN();
  features.data<float>()[(31 * 2) * 3] = std::numeric_limits<float>::infinity();
  scan_test::write_split(root.str(), "toy_precomp", "train", features, scan_test::toy_captions(200));
  const PrecompDataset data(root.str(), "toy_precomp", "train", toy_vocab());
  CHECK_THROWS_WITH_AS(data.check_features_finite(),
                       doctest::Contains("train_ims.npy': image row 23 holds a NaN or an infinity (expected finite "
                                         "region features; captions 115..119 use this row)"),
                       Error);
}
