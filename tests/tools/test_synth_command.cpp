// `scan synth` and `scan vocab`, run as a user would.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "models/scan/data/captions.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/npy.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "tests/models/scan/data/data_test_support.h"

using scan_test::TempDir;

namespace {

struct Run {
  int status = -1;
  std::string output;
};

Run scan_command(const std::string& arguments) {
  const scan_test::CommandResult result = scan_test::run_command(std::string(SCAN_BINARY_DIR) + "/scan " + arguments);
  return {WIFEXITED(result.status) ? WEXITSTATUS(result.status) : -1, result.output};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("scan synth --out DIR writes the default synthetic dataset in the original layout") {
  TempDir root;
  const Run run = scan_command("synth --out " + root.str());
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(contains(run.output, "synthetic_precomp"));
  const scan::SyntheticConfig defaults;
  const int64_t images[] = {defaults.train_images, defaults.dev_images, defaults.test_images};
  const char* splits[] = {"train", "dev", "test"};
  for (int s = 0; s < 3; ++s) {
    CAPTURE(splits[s]);
    const scan::NpyArray ims(root.file("synthetic_precomp/" + std::string(splits[s]) + "_ims.npy"));
    CHECK(ims.shape() == fw::Shape{images[s], defaults.regions, defaults.img_dim});
    CHECK(ims.dtype() == fw::DType::Float32);
    CHECK(static_cast<int64_t>(
              scan::read_captions(root.file("synthetic_precomp/" + std::string(splits[s]) + "_caps.txt")).size()) ==
          5 * images[s]);
  }
  CHECK(scan::Vocabulary::load(root.file("vocab/synthetic_precomp_vocab.json")).size() ==
        scan::synthetic_vocabulary().size());
}

TEST_CASE("scan synth --seed and sizes give what make_synthetic_split gives") {
  TempDir root;
  const Run run = scan_command("synth --out " + root.str() +
                               " --seed 5 --data_name tiny --train_images 6 --dev_images 2 --test_images 3"
                               " --img_dim 8 --regions 4 --noise 0.2");
  INFO(run.output);
  REQUIRE(run.status == 0);
  scan::SyntheticConfig config;
  config.seed = 5;
  config.train_images = 6;
  config.dev_images = 2;
  config.test_images = 3;
  config.img_dim = 8;
  config.regions = 4;
  config.noise = 0.2;
  const scan::SyntheticSplit memory = scan::make_synthetic_split(config, "test");
  const scan::NpyArray ims(root.file("tiny/test_ims.npy"));
  CHECK(ims.read_rows(0, 3).to_vector<float>() == memory.features().to_vector<float>());
  CHECK(scan::read_captions(root.file("tiny/test_caps.txt")) == memory.caption_texts());
  CHECK(std::filesystem::exists(root.file("vocab/tiny_vocab.json")));
  CHECK(std::filesystem::exists(root.file("tiny/train_ims.npy")));
  CHECK(std::filesystem::exists(root.file("tiny/dev_caps.txt")));
}

TEST_CASE("scan synth rejects unknown flags, a missing --out and invalid sizes") {
  TempDir root;
  const Run bad_flag = scan_command("synth --out " + root.str() + " --bogus 3");
  CHECK(bad_flag.status != 0);
  CHECK(contains(bad_flag.output, "bogus"));
  const Run missing = scan_command("synth");
  CHECK(missing.status != 0);
  CHECK(contains(missing.output, "missing --out"));
  const Run stray = scan_command("synth --out " + root.str() + " extra");
  CHECK(stray.status != 0);
  CHECK(contains(stray.output, "unexpected argument 'extra'"));
  const Run invalid = scan_command("synth --out " + root.str() + " --regions 1");
  CHECK(invalid.status != 0);
  CHECK(contains(invalid.output, "expected regions >= max_pairs"));
  CHECK_FALSE(std::filesystem::exists(root.file("synthetic_precomp")));
  const Run help = scan_command("synth --help");
  CHECK(help.status == 0);
  CHECK(contains(help.output, "--data_name"));
}

TEST_CASE("scan vocab builds the vocabulary of the train and dev captions with the threshold") {
  TempDir root;
  scan_test::write_split(root.str(), "toy", "train", fw::Tensor::zeros({1, 1, 1}),
                         {"A dog runs.", "a dog sits", "a cat", "the dog", "a dog"});
  scan_test::write_split(root.str(), "toy", "dev", fw::Tensor::zeros({1, 1, 1}), {"a dog", "zebra", "a", "b", "c"});
  scan_test::write_split(root.str(), "toy", "test", fw::Tensor::zeros({1, 1, 1}), {"dog", "dog", "dog", "dog", "dog"});
  const std::string out = root.file("out/toy_vocab.json");
  const Run run = scan_command("vocab --data_path " + root.str() + " --data_name toy --out " + out);
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(contains(run.output, "6 words"));
  // Counts over train + dev: a 6, dog 5 (test is not read); by first appearance.
  const scan::Vocabulary vocab = scan::Vocabulary::load(out);
  REQUIRE(vocab.size() == 6);
  CHECK(vocab.word(4) == "a");
  CHECK(vocab.word(5) == "dog");

  const Run low = scan_command("vocab --data_path " + root.str() + " --data_name toy --threshold 1 --out " + out);
  REQUIRE(low.status == 0);
  const scan::Vocabulary all = scan::Vocabulary::load(out);
  CHECK(all.size() == 4 + 10);  // a dog runs . sits cat the zebra b c
  CHECK(all.contains("zebra"));

  const Run missing = scan_command("vocab --data_path " + root.str());
  CHECK(missing.status != 0);
  CHECK(contains(missing.output, "missing --data_name"));
  const Run absent = scan_command("vocab --data_path " + root.str() + " --data_name nothing --out " + out);
  CHECK(absent.status != 0);
  CHECK(contains(absent.output, "train_caps.txt"));
  const Run bad_flag = scan_command("vocab --data_path " + root.str() + " --data_name toy --nope");
  CHECK(bad_flag.status != 0);
  const Run zero = scan_command("vocab --data_path " + root.str() + " --data_name toy --threshold 0");
  CHECK(zero.status != 0);
  CHECK(contains(zero.output, "--threshold must be at least 1"));
}

TEST_CASE("scan vocab on the synthetic dataset finds the synthetic vocabulary's words") {
  TempDir root;
  REQUIRE(scan_command("synth --out " + root.str() + " --train_images 40 --dev_images 5 --test_images 5").status == 0);
  const std::string out = root.file("rebuilt.json");
  const Run run = scan_command("vocab --data_path " + root.str() + " --data_name synthetic_precomp --out " + out);
  INFO(run.output);
  REQUIRE(run.status == 0);
  const scan::Vocabulary rebuilt = scan::Vocabulary::load(out);
  const scan::Vocabulary expected = scan::synthetic_vocabulary();
  for (int64_t id = 0; id < rebuilt.size(); ++id) CHECK(expected.contains(rebuilt.word(id)));
  CHECK(rebuilt.size() > 30);
}
