#pragma once
// Adam (Kingma & Ba 2015) with PyTorch's update (torch.optim.Adam, weight decay added to the
// gradient, not decoupled as in AdamW). For each parameter p with gradient g, at its step t:
//   g  <- g + weight_decay * p
//   m  <- beta1 * m + (1 - beta1) * g
//   v  <- beta2 * v + (1 - beta2) * g^2
//   p  <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Step counts are per parameter: a parameter without a gradient keeps its state and count.
#include <cstdint>

#include "framework/optim/optimizer.h"

namespace fw::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

// One parameter's state; the moment tensors are undefined until its first step.
struct AdamState {
  int64_t step = 0;
  Tensor exp_avg;     // m
  Tensor exp_avg_sq;  // v
};

class Adam : public Optimizer {
 public:
  explicit Adam(NamedParameters params, AdamOptions options = {});
  explicit Adam(const std::vector<Tensor>& params, AdamOptions options = {});

  void step() override;
  const AdamOptions& options() const { return options_; }

  // State of parameter i (in parameters() order), readable and replaceable for resuming.
  const AdamState& state(size_t i) const;
  void set_state(size_t i, const AdamState& state);

  // "<name>.exp_avg", "<name>.exp_avg_sq", "<name>.step" (int64 scalar) for every parameter
  // that has taken a step.
  std::map<std::string, Tensor> state_dict() const override;
  void load_state_dict(const std::map<std::string, Tensor>& tensors) override;

 private:
  AdamOptions options_;
  std::vector<AdamState> state_;
};

}  // namespace fw::optim
