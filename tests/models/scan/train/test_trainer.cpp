// The trainer on a tiny synthetic dataset: it learns, writes its checkpoints and metrics log,
// resumes bitwise-exactly, and refuses wrong data before training.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>

#include "models/scan/checkpoint.h"
#include "models/scan/train/demo.h"
#include "models/scan/train/metrics_log.h"
#include "models/scan/train/trainer.h"
#include "tests/models/scan/data/data_test_support.h"
#include "tests/models/scan/train/train_test_support.h"

namespace {

namespace fs = std::filesystem;
using scan_test::TempDir;
using scan_test::ThreadCountGuard;


// A larger training split for the learning test: 200 images (1,000 captions).
const scan::SyntheticSplit& learning_train_split() {
  static const scan::SyntheticSplit split = [] {
    scan::SyntheticConfig config = scan_test::tiny_synthetic_config();
    config.train_images = 200;
    return scan::make_synthetic_split(config, "train");
  }();
  return split;
}

using scan_test::tiny_data;
using scan_test::train;

std::vector<nlohmann::json> records_of_type(const std::string& path, const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& record : scan::read_metrics_log(path))
    if (record.at("type") == type) out.push_back(record);
  return out;
}

bool same_bytes(const fw::Tensor& a, const fw::Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const fw::Tensor x = a.contiguous(), y = b.contiguous();
  const std::size_t element = fw::dtype_size(x.dtype());
  const char* xb = static_cast<const char*>(x.storage()->data()) + x.offset() * element;
  const char* yb = static_cast<const char*>(y.storage()->data()) + y.offset() * element;
  return std::memcmp(xb, yb, static_cast<std::size_t>(x.numel()) * element) == 0;
}

// A copy of a synthetic split with other features (same images, captions and vocabulary).
scan::SyntheticSplit with_features(const scan::SyntheticSplit& split, const fw::Tensor& features) {
  return scan::SyntheticSplit(split.name(), split.vocab(), split.images(), features, split.caption_texts());
}

}  // namespace

TEST_CASE("Trainer learns the tiny synthetic set: the loss falls and dev recall ends far above chance") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.num_epochs = 4;
  opt.embed_size = 64;
  opt.word_dim = 32;
  opt.log_step = 10;
  std::string output;
  const std::vector<scan::EpochResult> results = train(opt, &output, learning_train_split());
  INFO(output);
  REQUIRE(results.size() == 4);
  CHECK(results[0].epoch == 0);
  CHECK(results[3].epoch == 3);
  // 1,000 captions in batches of 50: 20 iterations per epoch.
  CHECK(results[3].iteration == 80);
  for (int epoch = 1; epoch < 4; ++epoch) CHECK(results[epoch].mean_loss < results[epoch - 1].mean_loss);
  CHECK(results[3].mean_loss < 0.8 * results[0].mean_loss);
  // 40 dev images: a model that scores at random has rsum 77.3 (text→image 2.5 + 12.5 + 25,
  // image→text about the same, 5 relevant captions among 200); the maximum is 600.
  const double chance = scan::chance_rsum(40);
  CHECK(chance == doctest::Approx(77.3335).epsilon(1e-5));
  CHECK(results[3].dev.rsum() > 300);
  CHECK(results[3].dev.rsum() > results[0].dev.rsum() + 150);
  CHECK(output.find("Epoch: [0][10/20]\tEit 10\tlr 0.005\tLe ") != std::string::npos);
  CHECK(output.find("rsum: ") != std::string::npos);
  CHECK(output.find("Text to image: ") != std::string::npos);
}

TEST_CASE("Trainer writes a checkpoint per epoch, model_best for the best rsum, and a well-formed metrics log") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str() + "/deep/er");  // parents created
  opt.num_epochs = 2;
  opt.log_step = 4;
  opt.val_step = 5;
  const std::vector<scan::EpochResult> results = train(opt);
  REQUIRE(results.size() == 2);

  for (int epoch = 0; epoch < 2; ++epoch) {
    const std::string path = opt.model_name + "/checkpoint_" + std::to_string(epoch) + ".safetensors";
    REQUIRE(fs::is_regular_file(path));
    CHECK(results[epoch].checkpoint == path);
    const scan::Checkpoint checkpoint = scan::read_checkpoint(path);
    CHECK(checkpoint.state.epoch == epoch);
    CHECK(checkpoint.state.iteration == 6 * (epoch + 1));
    CHECK(checkpoint.state.best_rsum == doctest::Approx(std::max(results[0].dev.rsum(), results[epoch].dev.rsum())));
    CHECK(!checkpoint.state.rng_state.empty());
    CHECK(checkpoint.opt.embed_size == 32);
    CHECK(checkpoint.tensors.count("optimizer.img_enc.fc.weight.exp_avg") == 1);
  }
  // The best epoch's weights are in model_best.
  const int best = results[1].is_best ? 1 : 0;
  CHECK(results[0].is_best);
  const scan::Checkpoint model_best = scan::read_checkpoint(opt.model_name + "/model_best.safetensors");
  CHECK(model_best.state.epoch == best);
  const scan::Checkpoint best_epoch =
      scan::read_checkpoint(opt.model_name + "/checkpoint_" + std::to_string(best) + ".safetensors");
  CHECK(same_bytes(model_best.tensors.at("txt_enc.embed.weight"), best_epoch.tensors.at("txt_enc.embed.weight")));
  for (const auto& entry : fs::directory_iterator(opt.model_name))  // no temporary file left behind
    CHECK(entry.path().extension() == ".safetensors");

  // 12 iterations: train records at 4, 8, 12; validations mid-epoch at 5, 10 and at the epoch ends 6, 12.
  const std::vector<nlohmann::json> log = scan::read_metrics_log(opt.logger_name + "/metrics.jsonl");
  std::vector<std::pair<std::string, int64_t>> seen;
  for (const nlohmann::json& record : log) seen.emplace_back(record.at("type"), record.at("iteration"));
  const std::vector<std::pair<std::string, int64_t>> expected = {{"train", 4}, {"val", 5}, {"val", 6}, {"train", 8},
                                                                  {"val", 10}, {"train", 12}, {"val", 12}};
  CHECK(seen == expected);
  for (const nlohmann::json& record : log) {
    INFO(record.dump());
    CHECK(record.at("epoch").is_number_integer());
    if (record.at("type") == "train") {
      for (const char* key : {"loss", "lr", "grad_norm", "time"}) CHECK(record.at(key).is_number());
      CHECK(record.at("lr") == doctest::Approx(0.005));
      CHECK(record.at("grad_norm").get<double>() > 0);
    } else {
      for (const char* key : {"i2t_r1", "i2t_r5", "i2t_r10", "i2t_medr", "i2t_meanr", "t2i_r1", "t2i_r5", "t2i_r10",
                              "t2i_medr", "t2i_meanr", "rsum", "ar", "ari"})
        CHECK(record.at(key).is_number());
    }
  }
  // The end-of-epoch records hold exactly the validation results.
  CHECK(log[2].at("rsum").get<double>() == results[0].dev.rsum());
  CHECK(log[6].at("rsum").get<double>() == results[1].dev.rsum());
}

TEST_CASE("Trainer: 1 epoch + resume for 1 gives exactly the losses and weights of 2 uninterrupted epochs") {
  ThreadCountGuard threads;
  TempDir whole_dir, split_dir;
  scan::ScanOptions whole = scan_test::tiny_options(whole_dir.str());
  whole.num_epochs = 2;
  whole.lr_update = 1;  // the learning rate changes at the resumed epoch
  train(whole);

  scan::ScanOptions first = scan_test::tiny_options(split_dir.str());
  first.num_epochs = 1;
  first.lr_update = 1;
  train(first);
  scan::ScanOptions second = first;
  second.num_epochs = 2;
  second.resume = first.model_name + "/checkpoint_0.safetensors";
  second.seed = 99;  // the resumed generator state replaces the seed
  std::string output;
  const std::vector<scan::EpochResult> resumed = train(second, &output);
  REQUIRE(resumed.size() == 1);
  CHECK(resumed[0].epoch == 1);
  CHECK(output.find("resumed from") != std::string::npos);
  CHECK(output.find("Validation (epoch 1") == output.rfind("Validation"));  // no validation at resume

  // Every logged loss (log_step 1) and every validation, bitwise.
  const auto whole_train = records_of_type(whole.logger_name + "/metrics.jsonl", "train");
  const auto split_train = records_of_type(first.logger_name + "/metrics.jsonl", "train");
  REQUIRE(whole_train.size() == 12);
  REQUIRE(split_train.size() == 12);
  for (size_t i = 0; i < whole_train.size(); ++i) {
    INFO("record " << i);
    CHECK(split_train[i].at("iteration") == whole_train[i].at("iteration"));
    CHECK(split_train[i].at("loss").get<double>() == whole_train[i].at("loss").get<double>());
    CHECK(split_train[i].at("grad_norm").get<double>() == whole_train[i].at("grad_norm").get<double>());
    CHECK(split_train[i].at("lr").get<double>() == whole_train[i].at("lr").get<double>());
  }
  CHECK(whole_train[6].at("lr").get<double>() == doctest::Approx(0.0005));
  const auto whole_val = records_of_type(whole.logger_name + "/metrics.jsonl", "val");
  const auto split_val = records_of_type(first.logger_name + "/metrics.jsonl", "val");
  REQUIRE(split_val.size() == 2);
  CHECK(split_val == whole_val);

  // The final weights, Adam state and training state, bitwise.
  const scan::Checkpoint a = scan::read_checkpoint(whole.model_name + "/checkpoint_1.safetensors");
  const scan::Checkpoint b = scan::read_checkpoint(first.model_name + "/checkpoint_1.safetensors");
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (const auto& item : a.tensors) {
    const auto& name = item.first;
    const auto& tensor = item.second;
    INFO(name);
    REQUIRE(b.tensors.count(name) == 1);
    CHECK(same_bytes(tensor, b.tensors.at(name)));
  }
  CHECK(a.state.iteration == b.state.iteration);
  CHECK(a.state.rng_state == b.state.rng_state);
  CHECK(a.state.best_rsum == b.state.best_rsum);
}

TEST_CASE("Trainer resume keeps the log of the finished epochs and drops what an interrupted epoch wrote") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.num_epochs = 2;
  train(opt);
  const std::string log_path = opt.logger_name + "/metrics.jsonl";
  const std::vector<nlohmann::json> before = scan::read_metrics_log(log_path);
  {  // an interrupted third epoch: two records and a torn line
    std::ofstream out(log_path, std::ios::app);
    out << R"({"type":"train","epoch":2,"iteration":13,"loss":1.0,"lr":0.005,"grad_norm":1.0,"time":0.1})" << "\n"
        << R"({"type":"train","epoch":2,"iteration":14,"loss":1.0,"lr":0.005,"grad_norm":1.0,"time":0.1})" << "\n"
        << R"({"type":"train","epo)";
  }
  scan::ScanOptions resumed = opt;
  resumed.num_epochs = 3;
  resumed.resume = opt.model_name + "/checkpoint_1.safetensors";
  train(resumed);
  const std::vector<nlohmann::json> after = scan::read_metrics_log(log_path);
  REQUIRE(after.size() == before.size() + 7);  // 6 train records and 1 validation of epoch 2
  CHECK(std::equal(before.begin(), before.end(), after.begin()));
  CHECK(after[before.size()].at("iteration") == 13);
  CHECK(after[before.size()].at("loss").get<double>() != 1.0);
}

TEST_CASE("Trainer refuses data that does not fit before training, with one clear message") {
  ThreadCountGuard threads;
  TempDir dir;
  const scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  std::ostringstream out;

  SUBCASE("--img_dim differs from the features") {
    scan::ScanOptions wrong = opt;
    wrong.img_dim = 2048;
    CHECK_THROWS_WITH_AS(scan::Trainer(wrong, tiny_data().train, tiny_data().dev, out),
                         "scan train: the train split has 32-dimensional region features but --img_dim is 2048 "
                         "(pass --img_dim 32 to train on this data)",
                         fw::Error);
  }
  SUBCASE("a NaN in the dev features") {
    fw::Tensor features = tiny_data().dev.features().clone();
    features.data<float>()[3 * 6 * 32 + 5] = std::numeric_limits<float>::quiet_NaN();  // image row 3
    const scan::SyntheticSplit dev = with_features(tiny_data().dev, features);
    CHECK_THROWS_WITH_AS(scan::Trainer(opt, tiny_data().train, dev, out),
                         "scan train: the dev split: image row 3 holds a NaN or an infinity (expected finite region "
                         "features)",
                         fw::Error);
  }
  SUBCASE("an infinity in the train features") {
    fw::Tensor features = tiny_data().train.features().clone();
    features.data<float>()[59 * 6 * 32] = std::numeric_limits<float>::infinity();  // the last image row
    const scan::SyntheticSplit train = with_features(tiny_data().train, features);
    CHECK_THROWS_WITH_AS(scan::Trainer(opt, train, tiny_data().dev, out),
                         doctest::Contains("the train split: image row 59 holds a NaN or an infinity"), fw::Error);
  }
  SUBCASE("captions with words outside the vocabulary size") {
    scan::ScanOptions wrong = opt;
    wrong.vocab_size = 10;
    CHECK_THROWS_WITH_AS(scan::Trainer(wrong, tiny_data().train, tiny_data().dev, out),
                         doctest::Contains("outside the vocabulary of 10 words"), fw::Error);
  }
  SUBCASE("dev regions differ from train regions") {
    scan::SyntheticConfig config = scan_test::tiny_synthetic_config();
    config.regions = 5;
    const scan::SyntheticSplit dev = scan::make_synthetic_split(config, "dev");
    CHECK_THROWS_WITH_AS(scan::Trainer(opt, tiny_data().train, dev, out),
                         "scan train: the dev split has 5 regions per image but the train split has 6", fw::Error);
  }
  // Nothing was started: no checkpoint folder, no log.
  CHECK_FALSE(fs::exists(opt.model_name));
  CHECK_FALSE(fs::exists(opt.logger_name));
}

TEST_CASE("Trainer reports a checkpoint that cannot be resumed") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.resume = dir.file("missing.safetensors");
  std::ostringstream out;
  CHECK_THROWS_WITH_AS(scan::Trainer(opt, tiny_data().train, tiny_data().dev, out),
                       doctest::Contains("--resume: no checkpoint file"), fw::Error);
}

TEST_CASE("Trainer resume: every changed option is warned about, a changed model size is refused") {
  ThreadCountGuard threads;
  TempDir dir;
  scan::ScanOptions opt = scan_test::tiny_options(dir.str());
  opt.num_epochs = 1;
  train(opt);
  scan::ScanOptions resumed = opt;
  resumed.num_epochs = 2;  // extending the run is not worth a warning
  resumed.resume = opt.model_name + "/checkpoint_0.safetensors";

  SUBCASE("margin") {
    resumed.margin = 0.5;
    std::string output;
    CHECK(train(resumed, &output).size() == 1);
    CHECK(output.find("warning: options differ from the checkpoint's: --margin 0.5 (checkpoint: 0.2)\n") !=
          std::string::npos);
  }
  SUBCASE("training options: learning rate and batch size") {
    resumed.learning_rate = 0.001;
    resumed.batch_size = 25;
    std::string output;
    CHECK(train(resumed, &output).size() == 1);
    CHECK(output.find("warning: options differ from the checkpoint's: --batch_size 25 (checkpoint: 50), "
                      "--learning_rate 0.001 (checkpoint: 0.005)\n") != std::string::npos);
  }
  SUBCASE("nothing left to train is an error, not a silent success") {
    resumed.num_epochs = 1;
    CHECK_THROWS_WITH_AS(train(resumed),
                         doctest::Contains("checkpoint_0.safetensors' ends epoch 0, so there is nothing left to train "
                                           "with --num_epochs 1 (epochs 0..0); give --num_epochs 2 or more"),
                         fw::Error);
  }
  SUBCASE("embed_size") {
    resumed.embed_size = 48;
    CHECK_THROWS_WITH_AS(train(resumed), doctest::Contains("img_enc.fc.weight"), fw::Error);
  }
}
