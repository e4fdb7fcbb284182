#include <doctest/doctest.h>

#include "framework/nn/embedding.h"
#include "framework/nn/linear.h"

using namespace fw;

namespace {
// A two-level module, named like SCAN's text encoder.
struct Encoder : nn::Module {
  explicit Encoder(Generator& gen) {
    embed = register_module("embed", std::make_shared<nn::Embedding>(10, 4, gen));
    fc = register_module("fc", std::make_shared<nn::Linear>(4, 3, gen));
  }
  std::shared_ptr<nn::Embedding> embed;
  std::shared_ptr<nn::Linear> fc;
};
struct Model : nn::Module {
  explicit Model(Generator& gen) { txt_enc = register_module("txt_enc", std::make_shared<Encoder>(gen)); }
  std::shared_ptr<Encoder> txt_enc;
};
}  // namespace

TEST_CASE("Module: hierarchical names in registration order, lookup, count, train flag") {
  Generator gen(0);
  Model model(gen);
  std::vector<std::string> names;
  for (auto& [name, t] : model.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"txt_enc.embed.weight", "txt_enc.fc.weight", "txt_enc.fc.bias"});
  CHECK(model.parameter_count() == 10 * 4 + 3 * 4 + 3);
  CHECK(model.parameter("txt_enc.fc.bias").shape() == Shape{3});
  CHECK(model.parameter("txt_enc.fc.bias").requires_grad());
  CHECK_THROWS_WITH_AS(model.parameter("txt_enc.rnn.weight"),
                       doctest::Contains("no parameter named 'txt_enc.rnn.weight'"), Error);
  CHECK(model.txt_enc->fc->is_training());
  model.eval();
  CHECK_FALSE(model.txt_enc->fc->is_training());
  model.train();
  CHECK(model.txt_enc->embed->is_training());
}

TEST_CASE("Module: parameters share storage with the module and zero_grad clears them") {
  Generator gen(0);
  Model model(gen);
  Tensor w = model.parameter("txt_enc.fc.weight");
  CHECK(w.shares_storage_with(model.txt_enc->fc->weight));
  w.set_grad(Tensor::ones(w.shape()));
  model.zero_grad();
  CHECK_FALSE(model.txt_enc->fc->weight.grad().defined());
}
