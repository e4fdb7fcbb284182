// One query against an encoded split, the encoding's cache file and the prepared model behind both:
// a caption's scores are a column of the all-pairs matrix, an image's a row; the cache is read back
// only while its source files are unchanged.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/checkpoint.h"
#include "models/scan/eval/encoding_cache.h"
#include "models/scan/eval/query.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

const std::vector<std::string> kWords = {"red", "blue", "dog", "car"};

// <root>/data/tiny/test_{ims.npy,caps.txt} (4 images, 3 regions of 6 values), the vocabulary
// and an untrained checkpoint whose options point at them.
std::string write_tiny_setup(const scan_test::TempDir& root, uint64_t feature_seed) {
  fw::Generator gen(feature_seed);
  std::vector<std::string> captions;
  for (int i = 0; i < 20; ++i) captions.push_back(kWords[i % 4] + " " + kWords[(i / 4 + i) % 4] + " .");
  scan_test::write_split(root.file("data"), "tiny", "test", fw::Tensor::uniform({4, 3, 6}, 0.0, 1.0, gen), captions);
  scan::Vocabulary vocab;
  for (const std::string& w : kWords) vocab.add(w);
  vocab.add(".");
  std::filesystem::create_directories(root.file("vocab"));
  vocab.save(root.file("vocab/tiny_vocab.json"));
  scan::ScanOptions opt;
  opt.data_path = root.file("data");
  opt.data_name = "tiny";
  opt.vocab_path = root.file("vocab");
  opt.img_dim = 6;
  opt.embed_size = 8;
  opt.word_dim = 5;
  opt.vocab_size = vocab.size();
  opt.batch_size = 7;
  fw::Generator init(5);
  const scan::ScanModel model(opt, init);
  const std::string path = root.file("model.safetensors");
  scan::save_checkpoint(path, model, nullptr, scan::TrainingState{});
  return path;
}

}  // namespace

TEST_CASE("score_caption and score_image are a column and a row of compute_sims, and ranked orders them") {
  scan_test::TempDir root;
  const std::string checkpoint = write_tiny_setup(root, 1);
  const scan::PreparedModel prepared = scan::prepare_model(checkpoint, "--model", {}, "test");
  REQUIRE(prepared.data != nullptr);
  const scan::Embeddings embeddings = scan::encode_split(*prepared.model, *prepared.data, 7);
  const fw::Tensor sims = scan::compute_sims(*prepared.model, embeddings);
  const auto ids = prepared.data->caption(6);
  const std::vector<double> by_caption =
      scan::score_caption(*prepared.model, embeddings, std::vector<int64_t>(ids.begin(), ids.end()));
  REQUIRE(by_caption.size() == 4);
  for (int64_t i = 0; i < 4; ++i) CHECK(by_caption[i] == doctest::Approx(sims.at({i, 6})).epsilon(1e-5));
  const std::vector<double> by_image = scan::score_image(*prepared.model, embeddings, 2);
  REQUIRE(by_image.size() == 20);
  for (int64_t c = 0; c < 20; ++c) CHECK(by_image[c] == doctest::Approx(sims.at({2, c})).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(scan::score_image(*prepared.model, embeddings, 4), doctest::Contains("from 0 to 3, got 4"),
                       fw::Error);

  CHECK(scan::ranked({0.1, 0.5, 0.5, 0.9}, 3) == std::vector<int64_t>{3, 1, 2});  // ties keep index order
  CHECK(scan::ranked({0.1, 0.5}, 9) == std::vector<int64_t>{1, 0});
}

TEST_CASE("cached_encoding writes the cache, reads it back while the sources are unchanged, re-encodes after") {
  scan_test::TempDir root;
  const std::string checkpoint = write_tiny_setup(root, 1);
  const std::string cache = scan::default_encoding_cache(checkpoint, "test");
  CHECK(cache == root.file("model.test.encoding.safetensors"));
  const scan::PreparedModel prepared = scan::prepare_model(checkpoint, "--model", {}, "test");
  std::ostringstream log;
  const scan::Embeddings first = scan::cached_encoding(prepared, cache, &log);
  CHECK(log.str().find("encoding: encoded 4 images and 20 captions") != std::string::npos);
  REQUIRE(std::filesystem::exists(cache));
  log.str("");
  const scan::Embeddings again = scan::cached_encoding(prepared, cache, &log);
  CHECK(log.str().find("encoding: read") != std::string::npos);
  CHECK(again.images.to_vector<float>() == first.images.to_vector<float>());
  CHECK(again.captions.to_vector<float>() == first.captions.to_vector<float>());
  CHECK(again.lengths == first.lengths);

  // New features (another size on disk is not needed: the modification time changes too).
  std::filesystem::last_write_time(root.file("data/tiny/test_ims.npy"),
                                   std::filesystem::last_write_time(root.file("data/tiny/test_ims.npy")) +
                                       std::chrono::seconds(5));
  const scan::PreparedModel reopened = scan::prepare_model(checkpoint, "--model", {}, "test");
  log.str("");
  scan::cached_encoding(reopened, cache, &log);
  CHECK(log.str().find("encoding: encoded") != std::string::npos);

  // Another vocabulary file (here the same words, rewritten later) is another encoding too.
  log.str("");
  scan::cached_encoding(reopened, cache, &log);
  CHECK(log.str().find("encoding: read") != std::string::npos);
  std::filesystem::last_write_time(root.file("vocab/tiny_vocab.json"),
                                   std::filesystem::last_write_time(root.file("vocab/tiny_vocab.json")) +
                                       std::chrono::seconds(5));
  log.str("");
  scan::cached_encoding(scan::prepare_model(checkpoint, "--model", {}, "test"), cache, &log);
  CHECK(log.str().find("encoding: encoded") != std::string::npos);
}

TEST_CASE("prepare_model names the checkpoint, the vocabulary and the features at fault") {
  scan_test::TempDir root;
  const std::string checkpoint = write_tiny_setup(root, 1);
  CHECK_THROWS_WITH_AS(scan::prepare_model(root.file("none.safetensors"), "--model", {}, "test"),
                       doctest::Contains("none.safetensors' does not exist"), fw::Error);
  scan::DataLocation elsewhere;
  elsewhere.vocab_path = root.file("nowhere");
  CHECK_THROWS_WITH_AS(scan::prepare_model(checkpoint, "--model", elsewhere, "test"),
                       doctest::Contains("nowhere"), fw::Error);
  const scan::PreparedModel no_split = scan::prepare_model(checkpoint, "--model", {}, "");
  CHECK(no_split.data == nullptr);
  CHECK(no_split.vocab.size() == 9);
}
