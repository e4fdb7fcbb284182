#include "framework/optim/sgd.h"

#include "framework/cpu/strided_loop.h"
#include "framework/optim/param_update.h"

namespace fw::optim {

namespace {

// The fused update of one parameter (see sgd.h). `buf` is null without momentum; `first` says
// the buffer is being created by this step.
template <typename T>
void sgd_kernel(T* p, const T* g, T* buf, bool first, int64_t n, const SGDOptions& o, double lr) {
  const T decay = T(o.weight_decay), momentum = T(o.momentum), undamped = T(1.0 - o.dampening), rate = T(lr);
  const bool decays = o.weight_decay != 0.0;
  parallel_for(n, cpu::kElementwiseGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      T d = decays ? g[i] + decay * p[i] : g[i];
      if (buf) {
        buf[i] = first ? d : momentum * buf[i] + undamped * d;
        d = buf[i];
      }
      p[i] -= rate * d;
    }
  });
}

}  // namespace

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
    if (first) buffers_[i] = Tensor::empty(param.shape(), param.dtype());
    detail::update_parameter("SGD", name, param, [&]<typename T>(T* p, const T* g, int64_t n) {
      sgd_kernel<T>(p, g, with_momentum ? buffers_[i].data<T>() : nullptr, first, n, options_, lr_);
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
