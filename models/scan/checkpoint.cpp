#include "models/scan/checkpoint.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "framework/io/safetensors.h"
#include "framework/io/state_dict.h"

namespace scan {

namespace {

const std::string kOptimizerPrefix = "optimizer.";
const std::string kFormat = "scan-checkpoint-1";

bool is_optimizer_tensor(const std::string& name) { return name.rfind(kOptimizerPrefix, 0) == 0; }

// 17 significant digits: parsing the text gives back the same double.
std::string exact_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

[[noreturn]] void fail(const char* op, const std::string& path, const std::string& message) {
  throw fw::Error(std::string(op) + ": " + path + ": " + message);
}

// The metadata value `key` parsed as a T (the whole text), or `fallback` when absent.
template <typename T>
T read_number(const std::string& path, const std::map<std::string, std::string>& metadata, const std::string& key,
              T fallback) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) return fallback;
  const std::string& text = it->second;
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    fail("read_checkpoint", path, "metadata \"" + key + "\" must be a number, got \"" + text + "\"");
  return value;
}

}  // namespace

void save_checkpoint(const std::string& path, const ScanModel& model, const fw::optim::Adam* optimizer,
                     const TrainingState& state) {
  std::map<std::string, fw::Tensor> tensors = fw::state_dict(model);
  if (optimizer != nullptr)
    for (const auto& [key, tensor] : optimizer->state_dict()) tensors.emplace(kOptimizerPrefix + key, tensor);
  std::map<std::string, std::string> metadata{
      {"format", kFormat},
      {"opt", model.options().to_json().dump()},
      {"epoch", std::to_string(state.epoch)},
      {"iteration", std::to_string(state.iteration)},
      {"best_rsum", exact_text(state.best_rsum)},
      {"best_epoch", std::to_string(state.best_epoch)},
      {"rng_state", state.rng_state},
  };
  if (state.step_in_epoch > 0) {
    metadata.emplace("step_in_epoch", std::to_string(state.step_in_epoch));
    metadata.emplace("epoch_rng_state", state.epoch_rng_state);
    metadata.emplace("epoch_loss_sum", exact_text(state.epoch_loss_sum));
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) fail("save_checkpoint", path, "cannot create the directory " + parent.string() + ": " + error.message());
  }
  fw::save_safetensors(path, tensors, metadata);
}

namespace {

// True if the file starts as torch.save writes: a zip archive (PyTorch >= 1.6) or a pickle
// (protocol 2, the legacy format of the original's .pth.tar files).
bool looks_like_torch_save(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() < 2) return false;
  return (in.gcount() == 4 && std::string(magic, 4) == std::string("PK\x03\x04", 4)) ||
         (magic[0] == '\x80' && magic[1] == '\x02');
}

}  // namespace

void read_checkpoint_metadata(const std::map<std::string, std::string>& metadata, const std::string& path,
                              ScanOptions& opt, TrainingState& state) {
  const auto opt_text = metadata.find("opt");
  if (opt_text == metadata.end()) fail("read_checkpoint", path, "not a SCAN checkpoint (its metadata has no \"opt\")");
  const auto format = metadata.find("format");
  if (format != metadata.end() && format->second != kFormat)
    fail("read_checkpoint", path, "unsupported format \"" + format->second + "\" (expected \"" + kFormat + "\")");
  nlohmann::json options;
  try {
    options = nlohmann::json::parse(opt_text->second);
  } catch (const nlohmann::json::exception& e) {
    fail("read_checkpoint", path, std::string("metadata \"opt\" is not valid JSON: ") + e.what());
  }
  try {
    opt = ScanOptions::from_json(options);
    opt.validate();
  } catch (const fw::Error& e) {
    fail("read_checkpoint", path, std::string("metadata \"opt\": ") + e.what());
  }
  const TrainingState defaults;
  state.epoch = read_number(path, metadata, "epoch", defaults.epoch);
  state.best_epoch = read_number(path, metadata, "best_epoch", defaults.best_epoch);
  state.iteration = read_number(path, metadata, "iteration", defaults.iteration);
  state.best_rsum = read_number(path, metadata, "best_rsum", defaults.best_rsum);
  if (const auto rng = metadata.find("rng_state"); rng != metadata.end()) state.rng_state = rng->second;
  state.step_in_epoch = read_number(path, metadata, "step_in_epoch", defaults.step_in_epoch);
  state.epoch_loss_sum = read_number(path, metadata, "epoch_loss_sum", defaults.epoch_loss_sum);
  if (const auto rng = metadata.find("epoch_rng_state"); rng != metadata.end()) state.epoch_rng_state = rng->second;
  if (state.step_in_epoch < 0 || (state.step_in_epoch > 0 && state.epoch_rng_state.empty()))
    fail("read_checkpoint", path, "a mid-epoch checkpoint needs \"step_in_epoch\" > 0 and \"epoch_rng_state\"");
  if (state.epoch < -1 || state.best_epoch < -1 || state.best_epoch > state.epoch || state.iteration < 0)
    fail("read_checkpoint", path,
         "metadata out of range: epoch " + std::to_string(state.epoch) + ", best_epoch " +
             std::to_string(state.best_epoch) + ", iteration " + std::to_string(state.iteration) +
             " (expected epoch >= -1, -1 <= best_epoch <= epoch, iteration >= 0)");
  if (!std::isfinite(state.best_rsum) || !std::isfinite(state.epoch_loss_sum))
    fail("read_checkpoint", path, "metadata \"best_rsum\" and \"epoch_loss_sum\" must be finite numbers");
  for (const auto* key : {"rng_state", "epoch_rng_state"}) {
    const auto it = metadata.find(key);
    if (it == metadata.end() || it->second.empty()) continue;
    try {
      fw::Generator check;
      check.set_state(it->second);
    } catch (const fw::Error&) {
      fail("read_checkpoint", path, std::string("metadata \"") + key + "\" is not a saved generator state");
    }
  }
}

Checkpoint read_checkpoint(const std::string& path) {
  if (looks_like_torch_save(path))
    fail("read_checkpoint", path,
         "this is a PyTorch checkpoint (torch.save, e.g. the original's model_best.pth.tar), not a safetensors file; "
         "convert it first: python3 tools/convert_checkpoint.py " + path + " model_best.safetensors");
  fw::SafetensorsFile file = fw::load_safetensors(path);  // its errors name the file
  const auto& metadata = file.metadata;
  Checkpoint out;
  out.path = path;
  read_checkpoint_metadata(metadata, path, out.opt, out.state);
  out.tensors = std::move(file.tensors);
  return out;
}

void restore_model(const Checkpoint& checkpoint, ScanModel& model) {
  std::map<std::string, fw::Tensor> tensors;
  for (const auto& [name, tensor] : checkpoint.tensors)
    if (!is_optimizer_tensor(name)) tensors.emplace(name, tensor);
  // A model with NaN or infinite weights scores nothing; say which tensor, not "sims contains NaN" later.
  for (const auto& [name, tensor] : tensors) {
    if (tensor.dtype() == fw::DType::Int64) continue;
    const std::vector<double> values = tensor.to(fw::DType::Float64).contiguous().to_vector<double>();
    const auto bad = std::find_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
    if (bad != values.end())
      fail("restore_model", checkpoint.path,
           "tensor '" + name + "' holds " + (std::isnan(*bad) ? "NaN" : "an infinite value") + " at element " +
               std::to_string(bad - values.begin()) + " of " + std::to_string(values.size()) +
               ": the checkpoint was saved from a diverged run and cannot be used");
  }
  try {
    fw::load_state_dict(model, tensors);
  } catch (const fw::Error& e) {
    fail("restore_model", checkpoint.path, e.what());
  }
}

void restore_optimizer(const Checkpoint& checkpoint, fw::optim::Adam& optimizer) {
  std::map<std::string, fw::Tensor> tensors;
  for (const auto& [name, tensor] : checkpoint.tensors)
    if (is_optimizer_tensor(name)) tensors.emplace(name.substr(kOptimizerPrefix.size()), tensor);
  try {
    optimizer.load_state_dict(tensors);
  } catch (const fw::Error& e) {
    fail("restore_optimizer", checkpoint.path, e.what());
  }
}

}  // namespace scan
