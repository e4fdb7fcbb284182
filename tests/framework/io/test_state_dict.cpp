#include "framework/io/state_dict.h"

#include <doctest/doctest.h>

#include "framework/autograd/grad_mode.h"
#include "framework/io/safetensors.h"
#include "framework/ops/elementwise.h"
#include "tests/framework/io/temp_dir.h"

using namespace fw;

namespace {

struct Linear : nn::Module {
  Linear(int64_t in, int64_t out, DType dtype = DType::Float32) {
    register_parameter("weight", Tensor::zeros({out, in}, dtype));
    register_parameter("bias", Tensor::zeros({out}, dtype));
  }
};

// Parameters "scale", "fc.weight", "fc.bias", "head.weight", "head.bias".
struct Net : nn::Module {
  Net(int64_t hidden = 3) {
    register_parameter("scale", Tensor::ones({}, DType::Float64));
    register_module("fc", std::make_shared<Linear>(2, hidden));
    register_module("head", std::make_shared<Linear>(hidden, 1));
  }
};

void fill_with_counts(const nn::Module& net) {
  NoGradGuard no_grad;
  double next = 1;
  for (auto [name, p] : net.named_parameters()) {
    Tensor values = Tensor::arange(p.numel(), DType::Float64).reshape(p.shape());
    fw::copy_(p, values + next);
    next += 100;
  }
}

}  // namespace

TEST_CASE("state_dict: every parameter by dotted name, sharing storage") {
  Net net;
  const auto dict = state_dict(net);
  CHECK(dict.size() == 5);
  for (const auto& item : net.named_parameters()) {
    const auto& name = item.first;
    const auto& p = item.second;
    INFO(name);
    REQUIRE(dict.count(name) == 1);
    CHECK(dict.at(name).shares_storage_with(p));
    CHECK_FALSE(dict.at(name).requires_grad());
  }
}

TEST_CASE("state_dict: save, load into a fresh module, same values in the same parameter tensors") {
  TempDir dir;
  Net trained;
  fill_with_counts(trained);
  save_safetensors(dir.file("net.safetensors"), state_dict(trained), {{"epoch", "1"}});

  Net fresh;
  const Tensor fc_weight = fresh.parameter("fc.weight");
  load_state_dict(fresh, load_safetensors(dir.file("net.safetensors")).tensors);
  CHECK(fresh.parameter("fc.weight").shares_storage_with(fc_weight));  // copied into, not replaced
  CHECK(fresh.parameter("fc.weight").requires_grad());
  CHECK(fresh.parameter("scale").item() == 1.0);
  CHECK(fresh.parameter("fc.weight").to_vector<float>() == std::vector<float>{101, 102, 103, 104, 105, 106});
  CHECK(fresh.parameter("head.bias").to_vector<float>() == std::vector<float>{401});
  for (const auto& [name, p] : trained.named_parameters())
    CHECK(fresh.parameter(name).to_vector<double>() == p.to_vector<double>());
}

TEST_CASE("load_state_dict: reports every difference at once and changes nothing") {
  Net net;
  fill_with_counts(net);
  auto dict = state_dict(Net(4));  // fc.weight [4, 2], fc.bias [4], head.weight [1, 4]
  dict.erase("head.bias");
  dict["extra.weight"] = Tensor::zeros({1});
  dict["scale"] = Tensor::ones({}, DType::Float32);

  const std::string expected =
      "load_state_dict: the tensors do not match the module's parameters:\n"
      "  missing from the file: head.bias\n"
      "  not parameters of the module: extra.weight\n"
      "  scale: expected [] float64, file has [] float32\n"
      "  fc.weight: expected [3, 2] float32, file has [4, 2] float32\n"
      "  fc.bias: expected [3] float32, file has [4] float32\n"
      "  head.weight: expected [1, 3] float32, file has [1, 4] float32";
  CHECK_THROWS_WITH_AS(load_state_dict(net, dict), expected.c_str(), Error);
  CHECK(net.parameter("scale").item() == 1.0);  // untouched
  CHECK(net.parameter("fc.bias").to_vector<float>() == std::vector<float>{201, 202, 203});
}

TEST_CASE("load_state_dict: a non-contiguous source is copied in row-major order") {
  Net net;
  auto dict = state_dict(net);
  dict["fc.weight"] = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3}).transpose(0, 1);
  load_state_dict(net, dict);
  CHECK(net.parameter("fc.weight").to_vector<float>() == std::vector<float>{1, 4, 2, 5, 3, 6});
}
