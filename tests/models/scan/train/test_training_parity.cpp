// Training parity with PyTorch, step by step (the llm.c way): tools/make_training_fixture.py ran
// a real PyTorch training loop (the original train.py's train_emb: Adam, clip_grad_norm_, the
// contrastive loss) from given weights over a fixed sequence of batches and recorded every step.
// Here our own step code (train_step, the one the trainer runs) replays the same batches from the
// same weights, built by our collate, and every step's loss, pre-clip gradient norm and every
// parameter's gradient must match, and so must the weights after the last step.
// float64 agrees within 1e-9 relative at every step (measured: at most 1.3e-10); float32 agrees at
// the first step within PyTorch's own float32 error, then drifts as rounding does (see Tolerance).
// PARITY_TRACE=1 prints every step's errors (ours and PyTorch's float32 against PyTorch's float64).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/random.h"
#include "framework/io/safetensors.h"
#include "framework/ops/elementwise.h"
#include "models/scan/data/batch.h"
#include "models/scan/data/source.h"
#include "models/scan/model/scan_model.h"
#include "models/scan/options.h"
#include "models/scan/train/train_step.h"

using fw::DType;
using fw::Tensor;

namespace {

std::string fixture_path(const std::string& name) {
  return std::string(SCAN_SOURCE_DIR) + "/tests/fixtures/training_parity/" + name;
}

// The fixture's dataset: item k is caption k, paired with image row k / 5 (as im_div = 5).
class FixtureSource : public scan::CaptionImageSource {
 public:
  FixtureSource(const Tensor& images, std::vector<std::vector<int64_t>> captions)
      : images_(images.to_vector<float>()),
        regions_(images.size(1)),
        img_dim_(images.size(2)),
        num_images_(images.size(0)),
        captions_(std::move(captions)) {}
  int64_t size() const override { return static_cast<int64_t>(captions_.size()); }
  int64_t num_images() const override { return num_images_; }
  int64_t image_row(int64_t item) const override { return item / 5; }
  std::span<const int64_t> caption(int64_t item) const override { return captions_[item]; }
  int64_t num_regions() const override { return regions_; }
  int64_t img_dim() const override { return img_dim_; }
  void copy_image_rows(const std::vector<int64_t>& rows, float* out) const override {
    const int64_t row_size = regions_ * img_dim_;
    for (int64_t row : rows) out = std::copy_n(images_.begin() + row * row_size, row_size, out);
  }

 private:
  std::vector<float> images_;
  int64_t regions_, img_dim_, num_images_;
  std::vector<std::vector<int64_t>> captions_;
};

// What may differ. float64: ours against PyTorch's float64 run, within `floor` at every step.
// float32: both float32 runs against PyTorch's float64 run (the reference). PyTorch's own float32
// run differs from it by rounding, amplified where the problem is ill-conditioned (t2i attention
// with clipped_l2norm: ~1e-5 on the gradient norm at the first step), and from step to step the
// two float32 runs drift apart chaotically, each its own way. So float32 is held to PyTorch's own
// accuracy at the first step (`first` times PyTorch's error there, or `floor`), and afterwards
// only to a sanity bound (`later` times the largest error PyTorch's float32 run has shown so far)
// that a wrong learning rate, a missed clip or a wrong gradient would break at once. A bug shows
// up in float64 and in the first step; rounding only in float32, and no more than PyTorch's own.
struct Tolerance {
  double floor;
  double first;  // float32, first step
  double later;  // float32, later steps
};

std::vector<double> values(const Tensor& t) { return t.to(DType::Float64).contiguous().to_vector<double>(); }

double norm(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

// max |a - b| / max |b|.
double relative_max(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = std::max(diff, std::abs(a[i] - b[i])), scale = std::max(scale, std::abs(b[i]));
  return scale > 0 ? diff / scale : diff;
}

// One kind of number: the worst error of ours, and the worst ratio of error to allowance. The
// envelope is the largest error PyTorch's float32 run has shown so far.
struct Gauge {
  std::string what;
  Tolerance tol;
  double envelope = 0, worst_error = 0, worst_ratio = 0, first_error = 0;
  void add(double ours_error, double their_error, bool first) {
    if (first) first_error = std::max(first_error, ours_error);
    envelope = std::max(envelope, their_error);
    worst_error = std::max(worst_error, ours_error);
    const double amplification = first ? tol.first : tol.later;
    worst_ratio = std::max(worst_ratio, ours_error / std::max(tol.floor, amplification * envelope));
  }
};

void replay(const std::string& name, DType dtype, const Tolerance& tol) {
  CAPTURE(name);
  std::ifstream in(fixture_path(name + ".json"));
  REQUIRE_MESSAGE(in.good(), "missing fixture " << fixture_path(name + ".json"));
  const nlohmann::json doc = nlohmann::json::parse(in);
  const fw::SafetensorsFile file = fw::load_safetensors(fixture_path(name + ".safetensors"));
  const bool f64 = dtype == DType::Float64;
  const nlohmann::json& exact = doc["float64"];                        // the reference: PyTorch in float64
  const nlohmann::json& theirs = doc[f64 ? "float64" : "float32"];     // PyTorch in our dtype
  // ours against the reference, and PyTorch's float32 against it (0 in float64: same numbers).
  const auto errors = [&](double ours, double their, double reference, double scale) {
    return std::pair{std::abs(ours - reference) / scale, std::abs(their - reference) / scale};
  };

  const scan::ScanOptions opt = scan::ScanOptions::from_json(doc["opt"]);
  fw::Generator gen(0);
  scan::ScanModel model(opt, gen, dtype);
  std::map<std::string, std::vector<double>> start;
  {
    fw::NoGradGuard no_grad;
    for (auto& [param_name, param] : model.named_parameters()) {
      const Tensor& value = file.tensors.at("start." + param_name);
      REQUIRE(value.shape() == param.shape());
      fw::copy_(param, value);
      start[param_name] = values(value);
    }
  }
  fw::optim::Adam adam(model.named_parameters(), fw::optim::AdamOptions{.lr = doc["lr"][0].get<double>()});
  const FixtureSource source(file.tensors.at("images"), doc["captions"].get<std::vector<std::vector<int64_t>>>());

  Gauge loss{"loss", tol}, grad_norm{"pre-clip gradient norm", tol}, param_norm{"every parameter's gradient norm", tol},
      param_entries{"gradient entries", tol}, weights{"final weights", tol};
  size_t step = 0;
  const auto add = [&](Gauge& gauge, std::pair<double, double> e) { gauge.add(e.first, e.second, step == 0); };
  const auto& steps = doc["steps"];
  for (step = 0; step < steps.size(); ++step) {
    adam.set_lr(doc["lr"][step].get<double>());
    scan::Batch batch = scan::collate(source, steps[step].get<std::vector<int64_t>>());
    if (f64) batch.images = batch.images.to(DType::Float64);
    const scan::StepResult result = scan::train_step(model, adam, batch, opt.grad_clip);
    const double exact_loss = exact["loss"][step], exact_norm = exact["grad_norm"][step];
    if (std::getenv("PARITY_TRACE")) {
      const auto [ours_loss, their_loss] = errors(result.loss, theirs["loss"][step], exact_loss, std::abs(exact_loss));
      const auto [ours_norm, their_norm] = errors(result.grad_norm, theirs["grad_norm"][step], exact_norm, exact_norm);
      std::printf("%s %s step %zu: from PyTorch float64: loss ours %.2g PyTorch %.2g, gradient norm ours %.2g PyTorch %.2g\n",
                  name.c_str(), fw::dtype_name(dtype), step, ours_loss, their_loss, ours_norm, their_norm);
    }
    add(loss, errors(result.loss, theirs["loss"][step], exact_loss, std::abs(exact_loss)));
    add(grad_norm, errors(result.grad_norm, theirs["grad_norm"][step], exact_norm, exact_norm));
    // Every parameter's (clipped) gradient: its norm, and its entries at the recorded positions
    // relative to the gradient's root-mean-square entry.
    for (const auto& [param_name, param] : model.named_parameters()) {
      const std::vector<double> grad = values(param.grad());
      const double reference = exact["param_grad_norm"][param_name][step];
      const double scale = std::max(reference, 1e-300);
      add(param_norm, errors(norm(grad), theirs["param_grad_norm"][param_name][step], reference, scale));
      const auto& positions = doc["sample_positions"][param_name];
      const double rms = scale / std::sqrt(static_cast<double>(grad.size()));
      for (size_t k = 0; k < positions.size(); ++k)
        add(param_entries, errors(grad[positions[k].get<size_t>()], theirs["param_grad_sample"][param_name][step][k],
                                  exact["param_grad_sample"][param_name][step][k], rms));
    }
  }

  // The weights after the last step, relative to each parameter's largest weight: all of them
  // (tiny cases) or the recorded ones (large case).
  for (const auto& [param_name, param] : model.named_parameters()) {
    const std::vector<double> ours = values(param);
    std::vector<double> mine, their, reference;
    if (file.tensors.count("final64." + param_name)) {
      mine = ours;
      their = values(file.tensors.at((f64 ? "final64." : "final32.") + param_name));
      reference = values(file.tensors.at("final64." + param_name));
    } else {
      for (const auto& position : doc["final_positions"][param_name]) mine.push_back(ours[position.get<size_t>()]);
      their = theirs["final_sample"][param_name].get<std::vector<double>>();
      reference = exact["final_sample"][param_name].get<std::vector<double>>();
    }
    weights.add(relative_max(mine, reference), relative_max(their, reference), false);
  }

  for (const Gauge* g : {&loss, &grad_norm, &param_norm, &param_entries, &weights}) {
    CAPTURE(g->what);
    CAPTURE(g->worst_error);
    CAPTURE(g->envelope);
    CHECK(g->worst_ratio <= 1.0);
  }
  MESSAGE(name, " (", std::string(fw::dtype_name(dtype)), ", ", steps.size(), " steps): first step: loss ",
          loss.first_error, ", gradient norm ", grad_norm.first_error, ", gradient entries ", param_entries.first_error,
          "; worst relative difference of the loss ",
          loss.worst_error, ", gradient norm ", grad_norm.worst_error, ", parameter gradient norms ", param_norm.worst_error,
          ", gradient entries ", param_entries.worst_error, ", final weights ", weights.worst_error);
}

// The float32 floor: where PyTorch's own error at a step happens to be tiny, a rounding-level
// difference of ours must still pass. 5e-5 (relative to the gradient's root-mean-square entry, or
// to the number) is the largest error PyTorch's float32 run itself shows at the first step (on
// single gradient entries of these cases). Ours depends on the machine's OpenBLAS kernels: the
// largest first-step entry error measured was 1.05e-5 with its Haswell kernels and 2.15e-5 with
// its SkylakeX (AVX-512) ones (t2i_mean_hardest), where its loss and gradient norm were within
// 2e-8 and 5e-8 of float64, closer than PyTorch's float32 run (2e-8, 4e-6).
constexpr Tolerance kFloat32{.floor = 5e-5, .first = 3, .later = 100};
constexpr Tolerance kFloat64{.floor = 1e-9, .first = 0, .later = 0};

const char* const kTinyCases[] = {"t2i_mean_hardest", "t2i_lse_sum", "i2t_mean_hardest", "t2i_max_weightnorm"};

}  // namespace

TEST_CASE("training parity: 20 steps from PyTorch's initial weights equal PyTorch's, float64") {
  for (const char* name : kTinyCases) replay(name, DType::Float64, kFloat64);
}

TEST_CASE("training parity: 20 steps from PyTorch's initial weights equal PyTorch's, float32") {
  for (const char* name : kTinyCases) replay(name, DType::Float32, kFloat32);
}

TEST_CASE("training parity: training size (embed 256, batch 128, 36 regions) from PyTorch-trained weights, 10 steps") {
  replay("trained_t2i_mean", DType::Float64, kFloat64);
  replay("trained_t2i_mean", DType::Float32, kFloat32);
}
