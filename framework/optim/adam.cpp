#include "framework/optim/adam.h"

#include <cmath>

#include "framework/optim/param_update.h"

namespace fw::optim {

namespace {

void check_options(const AdamOptions& o) {
  check(o.beta1 >= 0 && o.beta1 < 1, "Adam", "beta1 must be in [0, 1), got ", o.beta1);
  check(o.beta2 >= 0 && o.beta2 < 1, "Adam", "beta2 must be in [0, 1), got ", o.beta2);
  check(o.eps >= 0, "Adam", "eps must be non-negative, got ", o.eps);
  check(o.weight_decay >= 0, "Adam", "weight_decay must be non-negative, got ", o.weight_decay);
}

}  // namespace

Adam::Adam(NamedParameters params, AdamOptions options)
    : Optimizer(std::move(params), options.lr, "Adam"), options_(options), state_(params_.size()) {
  check_options(options_);
}

Adam::Adam(const std::vector<Tensor>& params, AdamOptions options) : Adam(name_by_index(params), options) {}

void Adam::step() {
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& [name, param] = params_[i];
    if (!param.grad().defined()) continue;
    AdamState& s = state_[i];
    if (s.step == 0) {
      s.exp_avg = Tensor::zeros(param.shape(), param.dtype(), param.device());
      s.exp_avg_sq = Tensor::zeros(param.shape(), param.dtype(), param.device());
    }
    ++s.step;
    const double t = static_cast<double>(s.step);
    const double step_size = lr_ / (1.0 - std::pow(options_.beta1, t));
    const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(options_.beta2, t));
    const AdamStep update{options_.beta1, options_.beta2, options_.eps, options_.weight_decay, step_size,
                          bias_correction2_sqrt};
    detail::update_parameter("Adam", name, param, [&](Backend& device, Tensor& p, const Tensor& g) {
      device.adam_update(p, g, s.exp_avg, s.exp_avg_sq, update);
    });
  }
}

const AdamState& Adam::state(size_t i) const {
  check(i < state_.size(), "Adam::state", "parameter index ", i, " is out of range (", state_.size(),
        " parameters)");
  return state_[i];
}

void Adam::set_state(size_t i, const AdamState& state) {
  check(i < state_.size(), "Adam::set_state", "parameter index ", i, " is out of range (", state_.size(),
        " parameters)");
  check(state.step >= 0, "Adam::set_state", "step must be non-negative, got ", state.step);
  if (state.step == 0) {
    state_[i] = AdamState{};
    return;
  }
  std::vector<std::string> problems;
  for (const auto& [field, t] : {std::pair{"exp_avg", state.exp_avg}, std::pair{"exp_avg_sq", state.exp_avg_sq}}) {
    if (!t.defined()) problems.push_back(params_[i].first + "." + field + " is undefined");
    else check_state_tensor(i, field, t, problems);
  }
  throw_if_problems("Adam::set_state", problems);
  // Own dense copies, so that the caller's tensors (e.g. a loaded checkpoint) stay unchanged.
  state_[i] = AdamState{state.step, state.exp_avg.detach().clone(), state.exp_avg_sq.detach().clone()};
}

std::map<std::string, Tensor> Adam::state_dict() const {
  std::map<std::string, Tensor> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    const AdamState& s = state_[i];
    if (s.step == 0) continue;
    const std::string& name = params_[i].first;
    out[name + ".exp_avg"] = s.exp_avg.detach().clone();
    out[name + ".exp_avg_sq"] = s.exp_avg_sq.detach().clone();
    out[name + ".step"] = Tensor::scalar(static_cast<double>(s.step), DType::Int64);
  }
  return out;
}

void Adam::load_state_dict(const std::map<std::string, Tensor>& tensors) {
  const std::vector<std::string> fields{"exp_avg", "exp_avg_sq", "step"};
  std::vector<std::string> problems;
  const auto split = split_state(tensors, fields, problems);
  std::vector<AdamState> loaded(params_.size());
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& found = split[i];
    const int present = found[0].defined() + found[1].defined() + found[2].defined();
    if (present == 0) continue;  // never stepped
    for (size_t f = 0; f < fields.size(); ++f) {
      if (!found[f].defined()) problems.push_back(params_[i].first + "." + fields[f] + " is missing");
      else check_state_tensor(i, fields[f], found[f], problems, /*int64_scalar=*/f == 2);
    }
    int64_t step = 0;
    if (found[2].defined() && found[2].dtype() == DType::Int64 && found[2].dim() == 0) {
      step = *found[2].data<int64_t>();
      if (step <= 0) problems.push_back(params_[i].first + ".step must be positive, got " + std::to_string(step));
    }
    loaded[i] = AdamState{step, found[0], found[1]};  // used only when there are no problems
  }
  throw_if_problems("Adam::load_state_dict", problems);
  for (size_t i = 0; i < params_.size(); ++i) set_state(i, loaded[i]);
}

}  // namespace fw::optim
