#include "framework/optim/sgd.h"

#include "framework/optim/param_update.h"

namespace fw::optim {

SGD::SGD(NamedParameters params, SGDOptions options)
    : Optimizer(std::move(params), options.lr, "SGD"), options_(options), buffers_(params_.size()) {
  check(options_.momentum >= 0, "SGD", "momentum must be non-negative, got ", options_.momentum);
  check(options_.weight_decay >= 0, "SGD", "weight_decay must be non-negative, got ", options_.weight_decay);
}

SGD::SGD(const std::vector<Tensor>& params, SGDOptions options) : SGD(name_by_index(params), options) {}

void SGD::step() {
  const bool with_momentum = options_.momentum != 0.0;
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& [name, param] = params_[i];
    if (!param.grad().defined()) continue;
    const bool first = with_momentum && !buffers_[i].defined();
    if (first) buffers_[i] = Tensor::empty(param.shape(), param.dtype(), param.device());
    const SgdStep update{lr_, options_.momentum, options_.dampening, options_.weight_decay, first};
    detail::update_parameter("SGD", name, param, [&](Backend& device, Tensor& p, const Tensor& g) {
      device.sgd_update(p, g, with_momentum ? &buffers_[i] : nullptr, update);
    });
  }
}

const Tensor& SGD::momentum_buffer(size_t i) const {
  check(i < buffers_.size(), "SGD::momentum_buffer", "parameter index ", i, " is out of range (",
        buffers_.size(), " parameters)");
  return buffers_[i];
}

void SGD::set_momentum_buffer(size_t i, const Tensor& buffer) {
  check(i < buffers_.size(), "SGD::set_momentum_buffer", "parameter index ", i, " is out of range (",
        buffers_.size(), " parameters)");
  std::vector<std::string> problems;
  if (buffer.defined()) check_state_tensor(i, "momentum_buffer", buffer, problems);
  throw_if_problems("SGD::set_momentum_buffer", problems);
  buffers_[i] = buffer.defined() ? buffer.detach().clone() : Tensor();
}

std::map<std::string, Tensor> SGD::state_dict() const {
  std::map<std::string, Tensor> out;
  for (size_t i = 0; i < params_.size(); ++i)
    if (buffers_[i].defined()) out[params_[i].first + ".momentum_buffer"] = buffers_[i].detach().clone();
  return out;
}

void SGD::load_state_dict(const std::map<std::string, Tensor>& tensors) {
  std::vector<std::string> problems;
  const auto split = split_state(tensors, {"momentum_buffer"}, problems);
  for (size_t i = 0; i < params_.size(); ++i)
    if (split[i][0].defined()) check_state_tensor(i, "momentum_buffer", split[i][0], problems);
  throw_if_problems("SGD::load_state_dict", problems);
  for (size_t i = 0; i < params_.size(); ++i) set_momentum_buffer(i, split[i][0]);
}

}  // namespace fw::optim
