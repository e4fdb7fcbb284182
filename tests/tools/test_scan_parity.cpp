// `scan eval` against the original PyTorch code on a whole (tiny) model. tests/fixtures/tiny_scan/
// (tools/make_scan_fixture.py) holds a dataset in the original layout, two tiny PyTorch SCAN
// checkpoints saved as the original train.py saves them and converted with
// tools/convert_checkpoint.py, and the score matrices PyTorch computes for the test split as the
// original evalrank does. The program must reproduce them: tokenisation, vocabulary, im_div,
// batching, both encoders, the cross attention and the ensemble. No PyTorch is needed here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/scan/checkpoint.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/npy.h"
#include "models/scan/data/vocab.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

using nlohmann::json;
using scan_test::TempDir;

const std::string kFixture = std::string(SCAN_SOURCE_DIR) + "/tests/fixtures/tiny_scan";

json expected_results() {
  const std::string path = kFixture + "/expected.json";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "fixture " << path << " is missing: regenerate tests/fixtures/tiny_scan/ with "
                                           "`/usr/bin/python3 tools/make_scan_fixture.py`");
  return json::parse(in);
}

struct EvalRun {
  std::vector<double> sims;  // row-major [images, captions]
  std::vector<int64_t> shape;
  json metrics;
};

// scan eval on the fixture's test split with `models` (e.g. "--model X --ensemble Y").
EvalRun run_eval(const std::string& models) {
  TempDir out;
  const std::string command = std::string(SCAN_BINARY_DIR) + "/scan eval " + models + " --data_path '" + kFixture +
                              "/data' --vocab_path '" + kFixture + "/vocab' --split test --threads 1 --sims '" +
                              out.file("sims.npy") + "' --json '" + out.file("metrics.json") + "'";
  const scan_test::CommandResult result = scan_test::run_command(command);
  REQUIRE_MESSAGE(result.status == 0, command << "\n" << result.output);
  EvalRun run;
  const scan::NpyArray sims(out.file("sims.npy"));
  CHECK(sims.dtype() == fw::DType::Float32);
  run.shape = sims.shape();
  run.sims = sims.read_rows(0, sims.rows(), fw::DType::Float64).to_vector<double>();
  std::ifstream metrics(out.file("metrics.json"));
  REQUIRE(metrics.good());
  run.metrics = json::parse(metrics);
  return run;
}

// max |got - expected| / |expected| over the matrix; the fixture's scores are all far from 0.
double worst_relative(const std::vector<double>& got, const json& expected_rows) {
  std::vector<double> expected;
  for (const json& row : expected_rows)
    for (const json& value : row) expected.push_back(value.get<double>());
  REQUIRE(got.size() == expected.size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    REQUIRE(std::abs(expected[i]) > 1e-3);
    worst = std::max(worst, std::abs(got[i] - expected[i]) / std::abs(expected[i]));
  }
  return worst;
}

// The float32 run must match PyTorch's float32 attention and the original's float64 attention
// (on the same float32 embeddings) to float32 accuracy.
void check_sims(const EvalRun& run, const json& expected) {
  CHECK(run.shape == std::vector<int64_t>{2, 10});
  const double vs_float32 = worst_relative(run.sims, expected.at("sims_float32"));
  const double vs_float64 = worst_relative(run.sims, expected.at("sims_float64"));
  INFO("worst relative difference: ", vs_float32, " against PyTorch float32, ", vs_float64, " against float64");
  CHECK(vs_float32 <= 1e-5);
  CHECK(vs_float64 <= 1e-5);
}

// The recalls of the original's i2t() / t2i() on its float64 sims (the fixture keeps every pair of
// scores that a ranking compares more than 1e-5 apart, so float32 ranks the same).
void check_metrics(const json& got, const json& expected) {
  const char* names[] = {"r1", "r5", "r10", "medr", "meanr"};
  for (const char* direction : {"i2t", "t2i"})
    for (int k = 0; k < 5; ++k) {
      const std::string key = std::string(direction) + "_" + names[k];
      INFO(key);
      CHECK(got.at(key).get<double>() == doctest::Approx(expected.at(direction)[k].get<double>()));
    }
  CHECK(got.at("rsum").get<double>() == doctest::Approx(expected.at("rsum").get<double>()));
}

}  // namespace

TEST_CASE("tiny_scan fixture: the captions encode to the word ids the PyTorch code used") {
  const json expected = expected_results();
  const scan::Vocabulary vocab = scan::Vocabulary::load(kFixture + "/vocab/tiny_precomp_vocab.json");
  const scan::PrecompDataset data(kFixture + "/data", "tiny_precomp", "test", vocab, 6);
  CHECK(data.im_div() == 5);
  CHECK(data.num_images() == 2);
  const json& ids = expected.at("caption_ids");
  REQUIRE(data.size() == static_cast<int64_t>(ids.size()));
  for (int64_t i = 0; i < data.size(); ++i) {
    CAPTURE(i);
    const std::span<const int64_t> caption = data.caption(i);
    CHECK(std::vector<int64_t>(caption.begin(), caption.end()) == ids[i].get<std::vector<int64_t>>());
    CHECK(data.image_row(i) == i / 5);
  }
}

TEST_CASE("tiny_scan fixture: the converted checkpoints keep the original's epoch, Eiters, best_rsum and opt") {
  const json expected = expected_results();
  for (const auto& item : expected.at("models").items()) {
    const std::string file = item.key();
    const nlohmann::json& model = item.value();
    CAPTURE(file);
    const scan::Checkpoint checkpoint = scan::read_checkpoint(kFixture + "/" + file);
    CHECK(checkpoint.state.epoch == 2);
    CHECK(checkpoint.state.iteration == 40);
    CHECK(checkpoint.state.best_rsum == 123.25);
    const json opt = checkpoint.opt.to_json();
    for (const auto& [key, value] : model.at("options").items()) CHECK(opt.at(key) == value);
    CHECK(opt.at("embed_size") == 8);
    CHECK(opt.at("word_dim") == 4);
    CHECK(opt.at("bi_gru") == true);
    CHECK(opt.at("data_name") == "tiny_precomp");
    CHECK(opt.at("vocab_size") == 40);
  }
}

TEST_CASE("scan eval matches PyTorch's score matrix and recalls: t2i, clipped_l2norm, LogSumExp") {
  const json expected = expected_results().at("models").at("model.safetensors");
  const EvalRun run = run_eval("--model '" + kFixture + "/model.safetensors'");
  check_sims(run, expected);
  check_metrics(run.metrics, expected.at("metrics"));
}

TEST_CASE("scan eval matches PyTorch's score matrix and recalls: i2t, clipped_l2norm, Mean") {
  const json expected = expected_results().at("models").at("model_i2t.safetensors");
  const EvalRun run = run_eval("--model '" + kFixture + "/model_i2t.safetensors'");
  check_sims(run, expected);
  check_metrics(run.metrics, expected.at("metrics"));
}

TEST_CASE("scan eval --ensemble matches the mean of PyTorch's two score matrices") {
  const json expected = expected_results().at("ensemble");
  const EvalRun run = run_eval("--model '" + kFixture + "/model.safetensors' --ensemble '" + kFixture +
                               "/model_i2t.safetensors'");
  check_sims(run, expected);
}
