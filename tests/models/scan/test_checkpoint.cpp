#include "models/scan/checkpoint.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "framework/core/error.h"
#include "framework/io/safetensors.h"
#include "tests/framework/io/temp_dir.h"
#include "tests/models/scan/tiny_scan_config.h"

using namespace fw;
using scan::ScanModel;
using scan::ScanOptions;

namespace {

// One training step: loss backward, Adam update.
void train_step(const ScanModel& model, optim::Adam& adam, Generator& gen) {
  const Tensor images = Tensor::uniform({3, 2, 5}, -1, 1, gen);
  const Tensor ids = tiny_ids();
  adam.zero_grad();
  model.loss(model.scores(model.encode_images(images), model.encode_captions(ids, kLengths), kLengths)).backward();
  adam.step();
}

void check_same_parameters(const ScanModel& a, const ScanModel& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    CAPTURE(pa[i].first);
    CHECK(pa[i].first == pb[i].first);
    CHECK(pa[i].second.to_vector<float>() == pb[i].second.to_vector<float>());
  }
}

}  // namespace

TEST_CASE("checkpoint: save, read and restore the model and the Adam state after one step") {
  TempDir dir;
  Generator gen(1);
  const ScanModel model(tiny_options(), gen);
  optim::Adam adam(model.named_parameters(), {.lr = 0.01});
  train_step(model, adam, gen);
  const scan::TrainingState state{3, 1234567890123, 123.45678901234567, 2, Generator(8).state()};
  // The parent directory is created as needed.
  const std::string path = dir.file("runs/checkpoint_3.safetensors");
  scan::save_checkpoint(path, model, &adam, state);

  const scan::Checkpoint ckpt = scan::read_checkpoint(path);
  CHECK(ckpt.path == path);
  CHECK(ckpt.opt.to_json() == model.options().to_json());
  CHECK(ckpt.state.epoch == 3);
  CHECK(ckpt.state.iteration == 1234567890123);
  CHECK(ckpt.state.best_rsum == 123.45678901234567);  // exact
  CHECK(ckpt.state.best_epoch == 2);
  CHECK(ckpt.state.rng_state == Generator(8).state());
  // Every parameter under its own name, plus three Adam tensors per parameter.
  const size_t n_params = model.named_parameters().size();
  CHECK(ckpt.tensors.size() == 4 * n_params);
  CHECK(ckpt.tensors.count("img_enc.fc.weight") == 1);
  CHECK(ckpt.tensors.count("txt_enc.rnn.weight_ih_l0_reverse") == 1);
  CHECK(ckpt.tensors.count("optimizer.txt_enc.embed.weight.exp_avg_sq") == 1);
  CHECK(ckpt.tensors.at("optimizer.img_enc.fc.bias.step").item() == 1);

  // A fresh model and optimizer (other seed) take the saved values...
  Generator other(99);
  ScanModel restored(tiny_options(), other);
  optim::Adam restored_adam(restored.named_parameters(), {.lr = 0.01});
  scan::restore_model(ckpt, restored);
  scan::restore_optimizer(ckpt, restored_adam);
  check_same_parameters(model, restored);
  const auto saved_state = adam.state_dict(), loaded_state = restored_adam.state_dict();
  REQUIRE(saved_state.size() == loaded_state.size());
  for (const auto& item : saved_state) {
    const auto& key = item.first;
    const auto& tensor = item.second;
    CAPTURE(key);
    CHECK(tensor.to_vector<double>() == loaded_state.at(key).to_vector<double>());
  }
  // ...and the next step is the same bit for bit.
  Generator g1(5), g2(5);
  train_step(model, adam, g1);
  train_step(restored, restored_adam, g2);
  check_same_parameters(model, restored);
}

TEST_CASE("checkpoint: the metadata, all strings, as documented") {
  TempDir dir;
  Generator gen(2);
  ScanOptions o = tiny_options();
  o.precomp_enc_type = "weight_norm";
  const ScanModel model(o, gen);
  scan::save_checkpoint(dir.file("c.safetensors"), model, nullptr, {0, 29, 0.5, 0, ""});
  const SafetensorsFile file = load_safetensors(dir.file("c.safetensors"));
  CHECK(file.metadata.size() == 7);
  CHECK(file.metadata.at("best_epoch") == "0");
  CHECK(file.metadata.at("format") == "scan-checkpoint-1");
  CHECK(file.metadata.at("epoch") == "0");
  CHECK(file.metadata.at("iteration") == "29");
  CHECK(file.metadata.at("best_rsum") == "0.5");
  CHECK(file.metadata.at("rng_state") == "");
  CHECK(nlohmann::json::parse(file.metadata.at("opt")) == o.to_json());
  // No optimizer: the model's tensors only, under PyTorch's names (weight_g a 0-dim tensor).
  CHECK(file.tensors.size() == model.named_parameters().size());
  CHECK(file.tensors.at("img_enc.fc.weight_g").shape() == Shape{});
  CHECK(file.tensors.at("img_enc.fc.weight_v").shape() == Shape{4, 5});
  // Restoring an optimizer from it gives a fresh state.
  Generator other(3);
  ScanModel restored(o, other);
  optim::Adam adam(restored.named_parameters());
  const scan::Checkpoint ckpt = scan::read_checkpoint(dir.file("c.safetensors"));
  scan::restore_model(ckpt, restored);
  scan::restore_optimizer(ckpt, adam);
  CHECK(adam.state_dict().empty());
  check_same_parameters(model, restored);
}

TEST_CASE("checkpoint: errors name the file and the problem") {
  TempDir dir;
  Generator gen(4);
  const ScanModel model(tiny_options(), gen);
  const std::string missing = dir.file("missing.safetensors");
  CHECK_THROWS_WITH_AS(scan::read_checkpoint(missing), doctest::Contains(missing.c_str()), Error);

  // A PyTorch file in either torch.save format: named as such, with the conversion command.
  for (const std::string& start : {std::string("PK\x03\x04rest of a zip"), std::string("\x80\x02}q\x00(X", 8)}) {
    const std::string torch_file = dir.file("model_best.pth.tar");
    write_bytes(torch_file, start);
    CHECK_THROWS_WITH_AS(scan::read_checkpoint(torch_file),
                         doctest::Contains(("read_checkpoint: " + torch_file +
                                            ": this is a PyTorch checkpoint (torch.save, e.g. the original's "
                                            "model_best.pth.tar), not a safetensors file; convert it first: "
                                            "python3 tools/convert_checkpoint.py " + torch_file)
                                               .c_str()),
                         Error);
  }

  const std::string plain = dir.file("plain.safetensors");
  save_safetensors(plain, {{"w", Tensor::zeros({2})}});
  CHECK_THROWS_WITH_AS(scan::read_checkpoint(plain),
                       ("read_checkpoint: " + plain + ": not a SCAN checkpoint (its metadata has no \"opt\")").c_str(),
                       Error);

  const auto with_metadata = [&](std::map<std::string, std::string> metadata) {
    const std::string path = dir.file("meta.safetensors");
    save_safetensors(path, {{"w", Tensor::zeros({2})}}, metadata);
    return path;
  };
  const std::string opt = tiny_options().to_json().dump();
  std::string path = with_metadata({{"opt", "{not json"}});
  CHECK_THROWS_WITH_AS(scan::read_checkpoint(path),
                       doctest::Contains(("read_checkpoint: " + path + ": metadata \"opt\" is not valid JSON").c_str()),
                       Error);
  path = with_metadata({{"opt", R"({"batch_size": 0})"}});
  CHECK_THROWS_WITH_AS(
      scan::read_checkpoint(path),
      ("read_checkpoint: " + path + ": metadata \"opt\": ScanOptions: --batch_size must be positive, got 0").c_str(),
      Error);
  path = with_metadata({{"opt", opt}, {"format", "scan-checkpoint-2"}});
  CHECK_THROWS_WITH_AS(
      scan::read_checkpoint(path),
      ("read_checkpoint: " + path + ": unsupported format \"scan-checkpoint-2\" (expected \"scan-checkpoint-1\")")
          .c_str(),
      Error);
  path = with_metadata({{"opt", opt}, {"epoch", "3x"}});
  CHECK_THROWS_WITH_AS(scan::read_checkpoint(path),
                       ("read_checkpoint: " + path + ": metadata \"epoch\" must be a number, got \"3x\"").c_str(),
                       Error);
  // Counters out of range, non-finite sums and generator states that do not parse: named before
  // training starts from them.
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"epoch", "-2"}, {"best_epoch", "5"}, {"iteration", "-1"}}) {
    std::map<std::string, std::string> metadata = {{"opt", opt}, {"epoch", "3"}};
    metadata[key] = value;
    path = with_metadata(metadata);
    CHECK_THROWS_WITH_AS(scan::read_checkpoint(path),
                         doctest::Contains(("read_checkpoint: " + path + ": metadata out of range: ").c_str()), Error);
  }
  path = with_metadata({{"opt", opt}, {"best_rsum", "nan"}});
  CHECK_THROWS_WITH_AS(scan::read_checkpoint(path),
                       ("read_checkpoint: " + path +
                        ": metadata \"best_rsum\" and \"epoch_loss_sum\" must be finite numbers")
                           .c_str(),
                       Error);
  for (const std::string key : {"rng_state", "epoch_rng_state"}) {
    path = with_metadata({{"opt", opt}, {key, "1 2 3"}});
    CHECK_THROWS_WITH_AS(
        scan::read_checkpoint(path),
        ("read_checkpoint: " + path + ": metadata \"" + key + "\" is not a saved generator state").c_str(), Error);
  }
  // Without "format" and the training state (a hand-converted file): defaults.
  const scan::Checkpoint bare = scan::read_checkpoint(with_metadata({{"opt", opt}}));
  CHECK(bare.state.epoch == -1);
  CHECK(bare.state.iteration == 0);
  CHECK(bare.state.best_rsum == 0);
  CHECK(bare.state.best_epoch == -1);

  // A model of another size: the mismatch is reported by parameter name, with the file.
  ScanOptions wider = tiny_options();
  wider.embed_size = 6;
  Generator other(5);
  const ScanModel wide(wider, other);
  const std::string wide_path = dir.file("wide.safetensors");
  scan::save_checkpoint(wide_path, wide, nullptr, {});
  ScanModel target(tiny_options(), gen);
  const std::vector<float> before = target.parameter("img_enc.fc.weight").to_vector<float>();
  const scan::Checkpoint ckpt = scan::read_checkpoint(wide_path);
  CHECK_THROWS_WITH_AS(scan::restore_model(ckpt, target),
                       doctest::Contains(("restore_model: " + wide_path +
                                          ": load_state_dict: the tensors do not match the module's parameters")
                                             .c_str()),
                       Error);
  CHECK_THROWS_WITH_AS(scan::restore_model(ckpt, target),
                       doctest::Contains("img_enc.fc.weight: expected [4, 5] float32, file has [6, 5] float32"), Error);
  CHECK(target.parameter("img_enc.fc.weight").to_vector<float>() == before);  // nothing copied

  // Adam state for other parameters: reported with the file.
  optim::Adam wide_adam(wide.named_parameters());
  train_step(wide, wide_adam, other);
  scan::save_checkpoint(wide_path, wide, &wide_adam, {});
  optim::Adam adam(target.named_parameters());
  CHECK_THROWS_WITH_AS(scan::restore_optimizer(scan::read_checkpoint(wide_path), adam),
                       doctest::Contains(("restore_optimizer: " + wide_path + ": ").c_str()), Error);
}
