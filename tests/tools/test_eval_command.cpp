// `scan eval` end to end: a tiny dataset in the original layout and untrained tiny checkpoints in
// a temporary folder; the program's JSON and .npy must match the evaluation done in this process.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/core/random.h"
#include "models/scan/checkpoint.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/npy.h"
#include "models/scan/data/vocab.h"
#include "models/scan/eval/ensemble.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/report.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

using scan_test::TempDir;

constexpr int64_t kRegions = 3, kImgDim = 6;
const std::vector<std::string> kWords = {"red", "blue", "dog", "car", "small", "big", "cat"};

scan::Vocabulary tiny_vocabulary() {
  scan::Vocabulary vocab;
  for (const std::string& word : kWords) vocab.add(word);
  return vocab;
}

// <root>/data/<name>/test_{ims.npy,caps.txt} with `images` images (5 captions each) and
// <root>/vocab/<name>_vocab.json.
void write_tiny_dataset(const TempDir& root, const std::string& name, int64_t images, uint64_t seed) {
  fw::Generator gen(seed);
  std::vector<std::string> captions;
  for (int64_t i = 0; i < 5 * images; ++i) {
    std::string caption = "a";  // "a" is not in the vocabulary: <unk>
    for (int64_t w = 0; w <= i % 3; ++w) caption += " " + kWords[(i * 3 + w * 5) % kWords.size()];
    captions.push_back(caption + " .");
  }
  scan_test::write_split(root.file("data"), name, "test",
                         fw::Tensor::uniform({images, kRegions, kImgDim}, -1.0, 1.0, gen), captions);
  std::filesystem::create_directories(root.file("vocab"));
  tiny_vocabulary().save(root.file("vocab/" + name + "_vocab.json"));
}

// Training options of a tiny model whose data_path does not exist (eval must be told --data_path).
scan::ScanOptions tiny_options(const TempDir& root, const std::string& data_name, const std::string& cross_attn) {
  scan::ScanOptions opt;
  opt.data_path = "/nonexistent/data";
  opt.data_name = data_name;
  opt.vocab_path = root.file("vocab");
  opt.img_dim = kImgDim;
  opt.embed_size = 8;
  opt.word_dim = 5;
  opt.vocab_size = tiny_vocabulary().size();
  opt.cross_attn = cross_attn;
  opt.batch_size = 4;
  return opt;
}

std::string save_tiny_checkpoint(const TempDir& root, const std::string& file, const scan::ScanOptions& opt,
                                 uint64_t seed) {
  fw::Generator gen(seed);
  const scan::ScanModel model(opt, gen);
  const std::string path = root.file(file);
  scan::save_checkpoint(path, model, nullptr, scan::TrainingState{});
  return path;
}

// The sims of a checkpoint on <root>/data/<name>/test, computed in this process.
fw::Tensor sims_in_process(const TempDir& root, const std::string& checkpoint_path, const std::string& name) {
  const scan::Checkpoint checkpoint = scan::read_checkpoint(checkpoint_path);
  fw::Generator gen(0);
  scan::ScanModel model(checkpoint.opt, gen);
  scan::restore_model(checkpoint, model);
  const scan::PrecompDataset data(root.file("data"), name, "test", tiny_vocabulary(), kImgDim);
  return scan::compute_sims(model, scan::encode_split(model, data, 7));
}

scan_test::CommandResult run_eval(const std::string& arguments) {
  return scan_test::run_command(std::string(SCAN_BINARY_DIR) + "/scan eval " + arguments);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return nlohmann::json::parse(in);
}

void check_same_metrics(const nlohmann::json& report, const scan::Evaluation& expected) {
  const nlohmann::json metrics = scan::metrics_json(expected.metrics);
  for (const auto& item : metrics.items()) {
    const std::string key = item.key();
    const nlohmann::json& value = item.value();
    INFO(key);
    REQUIRE(report.contains(key));
    CHECK(report.at(key).get<double>() == doctest::Approx(value.get<double>()).epsilon(1e-12));
  }
  CHECK(report.at("protocol") == "full");
  CHECK(report.at("n_images") == expected.n_images);
  CHECK(report.at("n_captions") == expected.n_captions);
}

double max_abs_diff(const fw::Tensor& a, const fw::Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
  return worst;
}

}  // namespace

TEST_CASE("scan eval reports, writes the metrics JSON and the sims .npy of a checkpoint") {
  TempDir root;
  write_tiny_dataset(root, "tiny_precomp", 4, 11);
  const std::string model = save_tiny_checkpoint(root, "run/model.safetensors",
                                                 tiny_options(root, "tiny_precomp", "t2i"), 21);
  const std::string json = root.file("metrics.json"), sims = root.file("sims.npy");
  const auto run = run_eval("--model " + model + " --data_path " + root.file("data") + " --batch_size 3 --threads 1" +
                            " --json " + json + " --sims " + sims);
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(run.output.find("Images: 4, Captions: 20") != std::string::npos);
  CHECK(run.output.find("rsum: ") != std::string::npos);
  CHECK(run.output.find("Image to text: ") != std::string::npos);
  CHECK(run.output.find("Text to image: ") != std::string::npos);

  const fw::Tensor expected_sims = sims_in_process(root, model, "tiny_precomp");
  const scan::Evaluation expected = scan::evaluate_full(expected_sims);
  const nlohmann::json report = read_json(json);
  check_same_metrics(report, expected);
  CHECK(report.at("split") == "test");
  CHECK(report.at("model") == model);
  CHECK(run.output.find(scan::format_report(expected)) != std::string::npos);

  const scan::NpyArray written(sims);
  CHECK(written.shape() == fw::Shape{4, 20});
  CHECK(written.dtype() == fw::DType::Float32);
  CHECK(max_abs_diff(written.read_rows(0, 4), expected_sims) < 1e-6);
}

TEST_CASE("scan eval --ensemble averages the scores of two checkpoints") {
  TempDir root;
  write_tiny_dataset(root, "tiny_precomp", 4, 12);
  const std::string t2i = save_tiny_checkpoint(root, "t2i.safetensors", tiny_options(root, "tiny_precomp", "t2i"), 1);
  const std::string i2t = save_tiny_checkpoint(root, "i2t.safetensors", tiny_options(root, "tiny_precomp", "i2t"), 2);
  const std::string json = root.file("metrics.json"), sims = root.file("sims.npy");
  const auto run = run_eval("--model " + t2i + " --ensemble " + i2t + " --data_path " + root.file("data") +
                            " --json " + json + " --sims " + sims);
  INFO(run.output);
  REQUIRE(run.status == 0);

  const fw::Tensor expected_sims = scan::ensemble_sims(
      {sims_in_process(root, t2i, "tiny_precomp"), sims_in_process(root, i2t, "tiny_precomp")});
  const nlohmann::json report = read_json(json);
  check_same_metrics(report, scan::evaluate_full(expected_sims));
  CHECK(report.at("ensemble") == i2t);
  const scan::NpyArray written(sims);
  CHECK(max_abs_diff(written.read_rows(0, 4), expected_sims) < 1e-6);
}

TEST_CASE("scan eval fails with one clear message on bad requests") {
  TempDir root;
  write_tiny_dataset(root, "tiny_precomp", 4, 13);
  write_tiny_dataset(root, "other_precomp", 3, 14);
  const std::string model =
      save_tiny_checkpoint(root, "model.safetensors", tiny_options(root, "tiny_precomp", "t2i"), 3);
  const std::string other =
      save_tiny_checkpoint(root, "other.safetensors", tiny_options(root, "other_precomp", "t2i"), 4);
  const std::string data = " --data_path " + root.file("data");

  struct Case {
    std::string arguments, message;
  };
  const std::vector<Case> cases = {
      {"--model " + root.file("missing.safetensors"), "--model: checkpoint '" + root.file("missing.safetensors") +
                                                          "' does not exist or is not a file"},
      {data, "--model: a checkpoint is required"},
      {"--model " + model + " --bogus 1", "bogus"},
      {"--model " + model + data + " --batch_size abc", "abc"},
      {"--model " + model + data + " --batch_size 0", "--batch_size: expected a positive size, got 0"},
      {"--model " + model + data + " extra", "unexpected argument 'extra'"},
      {"--model " + model + data + " --fold5", "fold5: needs 5,000 images (5 folds of 1,000); got 4"},
      {"--model " + model + data + " --split dev", "dev_ims.npy"},
      {"--model " + model + data + " --ensemble " + other, "--ensemble: '" + other + "' is evaluated on"},
      {"--model " + model + data + " --json " + root.file("no/such/folder/m.json"), "--json: the folder"},
      {"--model " + model, "/nonexistent/data"},  // the checkpoint's data_path, not overridden
  };
  for (const Case& c : cases) {
    INFO("scan eval ", c.arguments);
    const auto run = run_eval(c.arguments);
    INFO(run.output);
    CHECK(run.status != 0);
    CHECK(run.output.find("scan eval: error: ") != std::string::npos);
    CHECK(run.output.find(c.message) != std::string::npos);
  }
  // Sizes differ in the ensemble case: the message names both splits.
  const auto run = run_eval("--model " + model + data + " --ensemble " + other);
  CHECK(run.output.find("15 captions") != std::string::npos);
  CHECK(run.output.find("20;") != std::string::npos);
}

TEST_CASE("scan eval --help documents every option") {
  const auto run = run_eval("--help");
  CHECK(run.status == 0);
  for (const char* option : {"--model", "--data_path", "--data_name", "--vocab_path", "--split", "--fold5",
                             "--ensemble", "--json", "--sims", "--batch_size", "--threads"}) {
    INFO(option);
    CHECK(run.output.find(option) != std::string::npos);
  }
}

TEST_CASE("evaluate_checkpoint fold5 scores only the folds' blocks, and with_full reports both protocols from one scoring") {
  TempDir root;
  write_tiny_dataset(root, "tiny_precomp", 20, 13);
  const std::string model = save_tiny_checkpoint(root, "run/model.safetensors",
                                                 tiny_options(root, "tiny_precomp", "t2i"), 23);
  scan::EvalRequest request;
  request.checkpoint = model;
  request.data_path = root.file("data");
  request.folds = scan::FoldOptions{.folds = 5, .images_per_fold = 4};
  const scan::EvalOutcome full = scan::evaluate_checkpoint(request);
  REQUIRE(full.sims.shape() == fw::Shape{20, 100});

  request.fold5 = true;
  const scan::EvalOutcome blocks = scan::evaluate_checkpoint(request);
  CHECK_FALSE(blocks.sims.defined());  // the off-diagonal blocks were never scored
  REQUIRE(blocks.fold_sims.size() == 5);
  for (int64_t f = 0; f < 5; ++f) {
    CAPTURE(f);
    const fw::Tensor diagonal = full.sims.narrow(0, 4 * f, 4).narrow(1, 20 * f, 20).contiguous();
    CHECK(max_abs_diff(blocks.fold_sims[f], diagonal) <= 1e-6);
  }
  CHECK(blocks.evaluation.protocol == scan::Protocol::Fold5);
  CHECK(blocks.evaluation.metrics.rsum() ==
        doctest::Approx(scan::evaluate_fold5(full.sims, request.folds).metrics.rsum()).epsilon(1e-9));
  CHECK_FALSE(blocks.full_evaluation.has_value());

  request.with_full = true;
  const scan::EvalOutcome both = scan::evaluate_checkpoint(request);
  REQUIRE(both.full_evaluation.has_value());
  CHECK(both.evaluation.metrics.rsum() == doctest::Approx(blocks.evaluation.metrics.rsum()).epsilon(1e-9));
  CHECK(both.full_evaluation->metrics.rsum() == doctest::Approx(full.evaluation.metrics.rsum()).epsilon(1e-12));
  CHECK(max_abs_diff(both.sims, full.sims) == 0);

  request.fold5 = false;  // with_full alone is a mistake worth saying
  CHECK_THROWS_WITH_AS(scan::evaluate_checkpoint(request), doctest::Contains("--with_5k: goes with --fold5"),
                       fw::Error);
}
