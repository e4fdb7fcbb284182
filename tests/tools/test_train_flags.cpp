// The flag parsing of `scan train` on its own (tools/scan/train_flags.h).
#include "tools/scan/train_flags.h"

#include <doctest/doctest.h>

#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "framework/core/error.h"
#include "models/scan/train/demo.h"

namespace {

scan_tool::TrainFlags parse(std::vector<std::string> args) {
  args.insert(args.begin(), "train");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return scan_tool::parse_train_flags(static_cast<int>(args.size()), argv.data());
}

}  // namespace

TEST_CASE("train flags: the original README command line, under the original defaults") {
  const scan_tool::TrainFlags flags =
      parse({"--data_path", "data", "--data_name", "f30k_precomp", "--vocab_path", "vocab", "--logger_name",
             "runs/log", "--model_name", "runs/log", "--max_violation", "--bi_gru", "--agg_func=Mean",
             "--cross_attn=t2i", "--lambda_softmax=9"});
  CHECK_FALSE(flags.demo);
  CHECK(flags.help.empty());
  CHECK(flags.options.data_name == "f30k_precomp");
  CHECK(flags.options.max_violation);
  CHECK(flags.options.bi_gru);
  CHECK(flags.options.agg_func == "Mean");
  CHECK(flags.options.lambda_softmax == 9);
  CHECK(flags.options.num_epochs == 30);      // train.py's default
  CHECK(flags.options.embed_size == 1024);    // train.py's default
  CHECK(flags.options.learning_rate == 0.0002);
}

TEST_CASE("train flags: no dataset named means the demo's defaults, flags given override them") {
  const scan_tool::TrainFlags flags = parse({"--num_epochs", "2"});
  CHECK(flags.demo);
  scan::ScanOptions expected = scan::demo_options();
  expected.num_epochs = 2;
  CHECK(flags.options.to_json() == expected.to_json());
}

TEST_CASE("train flags: help, unknown arguments, values that do not parse or are invalid") {
  CHECK(parse({"--help"}).help.find("--lambda_softmax") != std::string::npos);
  CHECK_THROWS_WITH_AS(parse({"extra"}), "unexpected argument 'extra'", fw::Error);
  CHECK_THROWS_WITH_AS(parse({"--batch_size", "abc"}), doctest::Contains("--batch_size: cannot read 'abc'"),
                       fw::Error);
  CHECK_THROWS_WITH_AS(parse({"--batch_size=0"}), doctest::Contains("--batch_size must be positive, got 0"),
                       fw::Error);
  CHECK_THROWS_AS(parse({"--no_such_flag"}), cxxopts::exceptions::exception);
}
