// `scan train` as a user runs it: the original train.py flags, --help, errors before training, and
// an original README command line on a tiny dataset in the original layout.
#include <doctest/doctest.h>

#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/scan/data/npy.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "models/scan/train/metrics_log.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

namespace fs = std::filesystem;
using scan_test::TempDir;

scan_test::CommandResult run_train(const std::string& arguments, const std::string& folder = ".") {
  return scan_test::run_command("cd '" + folder + "' && " + std::string(SCAN_BINARY_DIR) + "/scan train " + arguments);
}

// Every flag of the original train.py (the original train.py).
const std::vector<std::string> kOriginalFlags = {
    "data_path",   "data_name",  "vocab_path",    "margin",        "num_epochs",     "batch_size",
    "word_dim",    "embed_size", "grad_clip",     "num_layers",    "learning_rate",  "lr_update",
    "workers",     "log_step",   "val_step",      "logger_name",   "model_name",     "resume",
    "max_violation", "img_dim",  "no_imgnorm",    "no_txtnorm",    "raw_feature_norm", "agg_func",
    "cross_attn",  "precomp_enc_type", "bi_gru",  "lambda_lse",    "lambda_softmax"};

// <root>/data/f30k_precomp/{train,dev,test}_* (synthetic: 20 / 10 / 10 images of 4 x 32 values)
// and <root>/data/vocab/f30k_precomp_vocab.json.
void write_tiny_f30k(const TempDir& root) {
  scan::SyntheticConfig config;
  config.train_images = 20;
  config.dev_images = 10;
  config.test_images = 10;
  config.img_dim = 32;
  config.regions = 4;
  scan::write_synthetic_dataset(config, root.file("data"), "f30k_precomp");
}

// The README's Flickr30K t-i AVG command line (data and vocab paths filled in).
std::string readme_command(const TempDir& root) {
  return "--data_path '" + root.file("data") + "' --data_name f30k_precomp --vocab_path '" + root.file("data/vocab") +
         "' --logger_name runs/f30k_scan/log --model_name runs/f30k_scan/log --max_violation --bi_gru "
         "--agg_func=Mean --cross_attn=t2i --lambda_softmax=9";
}

// The "Options: {...}" line the command prints before training.
nlohmann::json printed_options(const std::string& output) {
  const std::string marker = "Options: ";
  const std::size_t begin = output.find(marker);
  REQUIRE(begin != std::string::npos);
  const std::size_t end = output.find('\n', begin);
  return nlohmann::json::parse(output.substr(begin + marker.size(), end - begin - marker.size()));
}

}  // namespace

TEST_CASE("scan train --help documents every original train.py flag and the new ones") {
  const scan_test::CommandResult run = run_train("--help");
  INFO(run.output);
  CHECK(run.status == 0);
  for (const std::string& flag : kOriginalFlags) {
    INFO(flag);
    CHECK(run.output.find("--" + flag + " ") != std::string::npos);
  }
  for (const char* flag : {"--seed", "--threads", "--device"}) CHECK(run.output.find(flag) != std::string::npos);
  CHECK(run.output.find("has no effect") != std::string::npos);          // --workers
  CHECK(run.output.find("CPU only so far") != std::string::npos);        // --device
  CHECK(run.output.find("(default: 0.0002)") != std::string::npos);      // --learning_rate
  CHECK(run.output.find("(default: clipped_l2norm)") != std::string::npos);
  CHECK(run.output.find("synthetic") != std::string::npos);              // no --data_path: the demo
}

TEST_CASE("scan train rejects unknown flags and bad values before doing anything") {
  TempDir dir;
  const auto rejects = [&](const std::string& arguments, const std::string& message) {
    const scan_test::CommandResult run = run_train(arguments, dir.str());
    INFO(arguments << "\n" << run.output);
    CHECK(run.status != 0);
    CHECK(run.output.find("scan train: error:") != std::string::npos);
    CHECK(run.output.find(message) != std::string::npos);
  };
  rejects("--no_such_flag 3", "no_such_flag");
  rejects("--max-violation", "max-violation");  // the original's flags use underscores
  rejects("--max_violation true", "unexpected argument 'true'");  // switches take no value
  rejects("--num_epochs many", "many");
  rejects("--batch_size 0", "--batch_size");
  rejects("--agg_func Median", "Median");
  rejects("--device cuda", "--device cuda: ");  // why names the build or the machine (devices.h)
  rejects("--device cuda:1", "cuda:1");
  rejects("--data_path '" + dir.file("none") + "' --data_name f30k_precomp", "f30k_precomp_vocab.json");
  // --data_name alone means real data under the original default --data_path and --vocab_path.
  rejects("--data_name f30k_precomp", "no vocabulary file './vocab/f30k_precomp_vocab.json'");
  CHECK_FALSE(fs::exists(dir.file("runs")));  // nothing was written
}

TEST_CASE("scan train runs an original README command line, with the original defaults") {
  TempDir root;
  write_tiny_f30k(root);
  // The README's flags unchanged; added: one epoch and a small model, so the test takes a second.
  const scan_test::CommandResult run =
      run_train(readme_command(root) + " --num_epochs 1 --embed_size 32 --word_dim 16 --img_dim 32 --threads 1",
                root.str());
  INFO(run.output);
  REQUIRE(run.status == 0);
  const nlohmann::json opt = printed_options(run.output);
  CHECK(opt.at("max_violation") == true);
  CHECK(opt.at("bi_gru") == true);
  CHECK(opt.at("agg_func") == "Mean");
  CHECK(opt.at("cross_attn") == "t2i");
  CHECK(opt.at("lambda_softmax") == 9.0);
  CHECK(opt.at("vocab_size") == scan::synthetic_vocabulary().size());
  // Everything else keeps train.py's defaults.
  CHECK(opt.at("margin") == 0.2);
  CHECK(opt.at("batch_size") == 128);
  CHECK(opt.at("grad_clip") == 2.0);
  CHECK(opt.at("learning_rate") == 0.0002);
  CHECK(opt.at("lr_update") == 15);
  CHECK(opt.at("num_layers") == 1);
  CHECK(opt.at("log_step") == 10);
  CHECK(opt.at("val_step") == 500);
  CHECK(opt.at("raw_feature_norm") == "clipped_l2norm");
  CHECK(opt.at("lambda_lse") == 6.0);
  CHECK(opt.at("precomp_enc_type") == "basic");
  CHECK(opt.at("no_imgnorm") == false);
  CHECK(opt.at("workers") == 10);

  const fs::path folder = fs::path(root.str()) / "runs/f30k_scan/log";
  CHECK(fs::is_regular_file(folder / "checkpoint_0.safetensors"));
  CHECK(fs::is_regular_file(folder / "model_best.safetensors"));
  const std::vector<nlohmann::json> log = scan::read_metrics_log((folder / "metrics.jsonl").string());
  REQUIRE(log.size() == 1);  // 100 captions, batch 128: one iteration, no log_step record; one validation
  CHECK(log[0].at("type") == "val");
  CHECK(run.output.find("rsum: ") != std::string::npos);
}

TEST_CASE("scan train stops on data that does not fit, naming the file") {
  TempDir root;
  write_tiny_f30k(root);
  SUBCASE("features of another size than --img_dim (the README line keeps the default 2048)") {
    const scan_test::CommandResult run = run_train(readme_command(root) + " --num_epochs 1", root.str());
    INFO(run.output);
    CHECK(run.status != 0);
    CHECK(run.output.find("train_ims.npy': expected img_dim 2048 (--img_dim), found 32") != std::string::npos);
  }
  SUBCASE("a NaN in the training features") {
    const std::string ims = root.file("data/f30k_precomp/train_ims.npy");
    fw::Tensor features = scan::NpyArray(ims).read_rows(0, 20);
    features.data<float>()[7 * 4 * 32 + 1] = std::numeric_limits<float>::quiet_NaN();
    scan::save_npy(ims, features);
    const scan_test::CommandResult run = run_train(readme_command(root) + " --num_epochs 1 --img_dim 32", root.str());
    INFO(run.output);
    CHECK(run.status != 0);
    CHECK(run.output.find("train_ims.npy': image row 7 holds a NaN or an infinity") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(fs::path(root.str()) / "runs"));  // stopped before training
}
