#pragma once
// Stochastic gradient descent with momentum and weight decay, as torch.optim.SGD (no Nesterov):
//   g   <- g + weight_decay * p
//   buf <- g                                          on the parameter's first step
//   buf <- momentum * buf + (1 - dampening) * g       afterwards
//   p   <- p - lr * buf        (p - lr * g when momentum is 0, and then no buffer is kept)
#include "framework/optim/optimizer.h"

namespace fw::optim {

struct SGDOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
};

class SGD : public Optimizer {
 public:
  explicit SGD(NamedParameters params, SGDOptions options = {});
  explicit SGD(const std::vector<Tensor>& params, SGDOptions options = {});

  void step() override;
  const SGDOptions& options() const { return options_; }

  // Momentum buffer of parameter i: undefined until its first step (and always without momentum).
  const Tensor& momentum_buffer(size_t i) const;
  void set_momentum_buffer(size_t i, const Tensor& buffer);  // undefined clears it

  // "<name>.momentum_buffer" for every parameter that has a buffer.
  std::map<std::string, Tensor> state_dict() const override;
  void load_state_dict(const std::map<std::string, Tensor>& tensors) override;

 private:
  SGDOptions options_;
  std::vector<Tensor> buffers_;
};

}  // namespace fw::optim
