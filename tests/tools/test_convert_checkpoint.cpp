// tools/convert_checkpoint.py against the C++ checkpoint code, through PyTorch (python3-torch).
// tests/tools/convert_roundtrip.py saves tiny tools/scan_torch.py models the way the original
// train.py does and converts them; read_checkpoint / restore_model must then give PyTorch's
// parameters, embeddings and scores. The other way, a checkpoint saved here must become a
// .pth.tar that the PyTorch model loads with the same values, and convert back unchanged.
//
// PyTorch is not a build dependency: these cases are compiled only where CMake found an
// interpreter that imports torch (SCAN_TORCH_PYTHON, tests/CMakeLists.txt). Elsewhere one
// skipped case says that they were not built.
#include <doctest/doctest.h>

#ifdef SCAN_TORCH_PYTHON

#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/core/random.h"
#include "framework/io/safetensors.h"
#include "framework/io/state_dict.h"
#include "framework/optim/adam.h"
#include "models/scan/checkpoint.h"
#include "models/scan/model/scan_model.h"
#include "tests/models/scan/data/data_test_support.h"

namespace {

using nlohmann::json;
using scan_test::TempDir;

const std::string kConverter = std::string(SCAN_SOURCE_DIR) + "/tools/convert_checkpoint.py";
const std::string kRoundtrip = std::string(SCAN_SOURCE_DIR) + "/tests/tools/convert_roundtrip.py";

// The configured interpreter; a failed check if it can no longer import torch (these cases were
// built because it could at configure time).
std::string torch_python() {
  const std::string python = SCAN_TORCH_PYTHON;
  static bool checked = false;  // importing torch takes seconds
  if (!checked) {
    const scan_test::CommandResult check = scan_test::run_command(python + " -c 'import torch, numpy'");
    REQUIRE_MESSAGE(check.status == 0, "the PyTorch cross-checks were built for "
                                           << python << ", which cannot import torch and numpy now (install "
                                              "python3-torch, or reconfigure with -DSCAN_TORCH_PYTHON=<python with "
                                              "torch>):\n"
                                           << check.output);
    checked = true;
  }
  return python;
}

// Runs `python script args`; returns its output, fails the test on a non-zero status.
std::string run_python(const std::string& script, const std::string& args) {
  const std::string command = "PYTHONDONTWRITEBYTECODE=1 " + torch_python() + " '" + script + "' " + args;
  const scan_test::CommandResult result = scan_test::run_command(command);
  REQUIRE_MESSAGE(result.status == 0, command << "\n" << result.output);
  return result.output;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return json::parse(in);
}

fw::Tensor tensor_of(const json& entry) {
  return fw::Tensor::from_vector(entry.at("values").get<std::vector<double>>(),
                                 entry.at("shape").get<fw::Shape>()).to(fw::DType::Float32);
}

// Same shape and bitwise the same float32 values (the conversion only moves bytes).
void check_same(const fw::Tensor& got, const json& expected, const std::string& name) {
  INFO(name);
  CHECK(got.dtype() == fw::DType::Float32);
  REQUIRE(got.shape() == expected.at("shape").get<fw::Shape>());
  CHECK(got.to_vector<double>() == expected.at("values").get<std::vector<double>>());
}

// |got - expected| <= tolerance * max(1, |expected|) elementwise.
void check_close(const fw::Tensor& got, const json& expected, double tolerance, const std::string& name) {
  INFO(name);
  REQUIRE(got.shape() == expected.at("shape").get<fw::Shape>());
  const std::vector<double> a = got.to_vector<double>();
  const std::vector<double> b = expected.at("values").get<std::vector<double>>();
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
  INFO("worst difference ", worst);
  CHECK(worst <= tolerance);
}

// Every option of `expected` (the original's flag names) has the same value in `got`.
void check_options(const json& got, const json& expected) {
  for (const auto& item : expected.items()) {
    const std::string key = item.key();
    const json& value = item.value();
    INFO("option ", key);
    REQUIRE(got.contains(key));
    CHECK(got.at(key) == value);
  }
}

}  // namespace

TEST_CASE("convert_checkpoint.py: original PyTorch checkpoints load with PyTorch's parameters, embeddings and scores") {
  TempDir dir;
  const std::string output = run_python(kRoundtrip, "original-to-ours '" + dir.str() + "'");
  // The first checkpoint carries an option our code does not have: dropped, with a warning.
  CHECK(output.find("warning: dropped options") != std::string::npos);
  CHECK(output.find("fork_only_flag") != std::string::npos);

  // A basic image encoder with a bi-GRU (opt saved as an argparse.Namespace), and a weight_norm
  // image encoder with a 2-layer GRU (opt saved as a dict, weight_g stored as PyTorch 0.3 did, [1]).
  for (const std::string name : {"basic_bigru_t2i", "weight_norm_2layers_i2t"}) {
    CAPTURE(name);
    const json expected = read_json(dir.file(name + ".json"));
    const scan::Checkpoint checkpoint = scan::read_checkpoint(dir.file(name + ".safetensors"));
    CHECK(checkpoint.state.epoch == expected.at("epoch").get<int>());
    CHECK(checkpoint.state.iteration == expected.at("Eiters").get<int64_t>());
    CHECK(checkpoint.state.best_rsum == expected.at("best_rsum").get<double>());
    CHECK(checkpoint.state.rng_state.empty());
    check_options(checkpoint.opt.to_json(), expected.at("opt"));

    fw::Generator gen(1);  // the drawn weights are all replaced
    scan::ScanModel model(checkpoint.opt, gen);
    scan::restore_model(checkpoint, model);
    const std::map<std::string, fw::Tensor> params = fw::state_dict(model);
    CHECK(params.size() == expected.at("parameters").size());
    for (const auto& item : expected.at("parameters").items()) {
      const std::string param = item.key();
      const json& values = item.value();
      REQUIRE_MESSAGE(params.count(param), "missing parameter ", param);
      check_same(params.at(param), values, param);
    }

    const fw::Tensor images = tensor_of(expected.at("images"));
    const std::vector<int64_t> lengths = expected.at("lengths").get<std::vector<int64_t>>();
    const fw::Tensor ids = fw::Tensor::from_vector(expected.at("ids").get<std::vector<int64_t>>(),
                                                   {static_cast<int64_t>(lengths.size()), lengths[0]});
    const fw::Tensor img_emb = model.encode_images(images);
    const fw::Tensor cap_emb = model.encode_captions(ids, lengths);
    check_close(img_emb, expected.at("img_emb"), 1e-6, "image embeddings");
    check_close(cap_emb, expected.at("cap_emb"), 1e-6, "caption embeddings");
    check_close(model.scores(img_emb, cap_emb, lengths), expected.at("scores"), 1e-5, "scores");
  }
}

TEST_CASE("convert_checkpoint.py: our checkpoint becomes a .pth.tar the PyTorch model loads, and converts back") {
  TempDir dir;
  scan::ScanOptions opt;
  opt.data_name = "tiny_precomp";
  opt.vocab_size = 9;
  opt.img_dim = 6;
  opt.embed_size = 8;
  opt.word_dim = 4;
  opt.bi_gru = true;
  opt.max_violation = true;
  opt.agg_func = "Mean";
  opt.seed = 17;
  fw::Generator gen(3);
  scan::ScanModel model(opt, gen);

  // One Adam step, so that the checkpoint holds optimizer state (which the original format has no
  // place for: dropped with a warning).
  fw::optim::Adam adam(model.named_parameters());
  const fw::Tensor images = fw::Tensor::uniform({2, 3, 6}, 0.0, 2.0, gen);
  const fw::Tensor ids = fw::Tensor::from_vector(std::vector<int64_t>{1, 5, 6, 2, 1, 7, 2, 0}, {2, 4});
  const std::vector<int64_t> lengths = {4, 3};
  model.loss(model.scores(model.encode_images(images), model.encode_captions(ids, lengths), lengths)).backward();
  adam.step();
  const scan::TrainingState state{4, 777, 301.75, 3, fw::Generator(11).state()};
  const std::string ours = dir.file("ours.safetensors");
  scan::save_checkpoint(ours, model, &adam, state);

  const std::string output = run_python(kRoundtrip, "ours-to-original '" + ours + "' '" + dir.str() + "'");
  CHECK(output.find("dropped " + std::to_string(adam.state_dict().size()) + " optimizer tensors") != std::string::npos);

  // What PyTorch sees after torch.load of the .pth.tar and the original's load_state_dict.
  const json back = read_json(dir.file("back.json"));
  CHECK(back.at("epoch") == state.epoch);
  CHECK(back.at("Eiters") == state.iteration);
  CHECK(back.at("best_rsum") == state.best_rsum);
  CHECK(back.at("rng_state") == state.rng_state);
  check_options(back.at("opt"), opt.to_json());
  CHECK(back.at("img_enc_keys") == json{"fc.weight", "fc.bias"});
  CHECK(back.at("txt_enc_keys") == json{"embed.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                                        "rnn.bias_hh_l0", "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse",
                                        "rnn.bias_ih_l0_reverse", "rnn.bias_hh_l0_reverse"});
  const std::map<std::string, fw::Tensor> params = fw::state_dict(model);
  CHECK(back.at("parameters").size() == params.size());
  for (const auto& item : params) {
    const std::string& name = item.first;
    const auto& tensor = item.second;
    REQUIRE_MESSAGE(back.at("parameters").contains(name), "PyTorch lacks ", name);
    check_same(tensor, back.at("parameters").at(name), name);
  }

  // And back to ours: everything but the optimizer state survives the round trip.
  const scan::Checkpoint again = scan::read_checkpoint(dir.file("again.safetensors"));
  CHECK(again.opt.to_json() == opt.to_json());
  CHECK(again.state.epoch == state.epoch);
  CHECK(again.state.iteration == state.iteration);
  CHECK(again.state.best_rsum == state.best_rsum);
  CHECK(again.state.rng_state == state.rng_state);
  CHECK(again.state.best_epoch == state.best_epoch);
  CHECK(again.tensors.size() == params.size());
  for (const auto& item : params) {
    const std::string& name = item.first;
    const auto& tensor = item.second;
    INFO(name);
    REQUIRE(again.tensors.count(name));
    CHECK(again.tensors.at(name).shape() == tensor.shape());
    CHECK(again.tensors.at(name).to_vector<float>() == tensor.to_vector<float>());
  }
}

TEST_CASE("convert_checkpoint.py reports what is wrong with its input") {
  TempDir dir;
  const std::string python = torch_python();
  const auto convert = [&](const std::string& source, const std::string& target) {
    return scan_test::run_command("PYTHONDONTWRITEBYTECODE=1 " + python + " '" + kConverter + "' '" + source +
                                  "' '" + target + "'");
  };

  scan::ScanOptions opt;
  opt.vocab_size = 5;
  opt.img_dim = 3;
  opt.embed_size = 4;
  opt.word_dim = 2;
  fw::Generator gen(2);
  const scan::ScanModel model(opt, gen);

  SUBCASE("both files of the same kind") {
    const auto run = convert(dir.file("a.safetensors"), dir.file("b.safetensors"));
    CHECK(run.status != 0);
    CHECK(run.output.find("one of the two files must be .safetensors") != std::string::npos);
  }
  SUBCASE("tensors that do not fit the options") {
    scan::ScanOptions other = opt;
    other.embed_size = 6;
    const std::string path = dir.file("mismatch.safetensors");
    fw::save_safetensors(path, fw::state_dict(model),
                         {{"format", "scan-checkpoint-1"}, {"opt", other.to_json().dump()}});
    const auto run = convert(path, dir.file("mismatch.pth.tar"));
    INFO(run.output);
    CHECK(run.status != 0);
    CHECK(run.output.find("do not fit the model the options describe") != std::string::npos);
    CHECK(run.output.find("img_enc") != std::string::npos);
    CHECK(run.output.find("size mismatch for fc.weight") != std::string::npos);
  }
  SUBCASE("a safetensors file that is not a SCAN checkpoint") {
    const std::string path = dir.file("plain.safetensors");
    fw::save_safetensors(path, fw::state_dict(model), {{"epoch", "1"}});
    const auto run = convert(path, dir.file("plain.pth.tar"));
    CHECK(run.status != 0);
    CHECK(run.output.find("not a SCAN checkpoint") != std::string::npos);
  }
  SUBCASE("a .pth.tar that is not an original SCAN checkpoint") {
    scan_test::write_bytes(dir.file("junk.pth.tar"), "not a pickle");
    const auto run = convert(dir.file("junk.pth.tar"), dir.file("junk.safetensors"));
    CHECK(run.status != 0);
    CHECK(run.output.find("junk.pth.tar") != std::string::npos);
  }
}

#else

TEST_CASE("PyTorch cross-checks of tools/convert_checkpoint.py were not built: no python with torch at configure time" *
          doctest::skip()) {
  MESSAGE("tests/tools/test_convert_checkpoint.cpp is compiled only where CMake finds an interpreter that imports "
          "torch (-DSCAN_TORCH_PYTHON, default /usr/bin/python3; Debian: apt-get install python3-torch), then "
          "reconfigure");
  FAIL("the PyTorch checkpoint-conversion cross-checks were not built");
}

#endif
