#pragma once
// The optimiser interface shared by Adam and SGD: named parameters, a settable learning rate,
// one update per step() for every parameter that has a gradient, and per-parameter state that
// can be saved to and restored from a checkpoint as "<parameter name>.<field>" -> tensor.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/tensor.h"

namespace fw::optim {

using NamedParameters = std::vector<std::pair<std::string, Tensor>>;

// Names unnamed parameters by position: "0", "1", ...
NamedParameters name_by_index(const std::vector<Tensor>& params);

class Optimizer {
 public:
  Optimizer(NamedParameters params, double lr, const char* name);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Updates every parameter whose .grad is defined; the others (and their state) are untouched.
  virtual void step() = 0;
  void zero_grad() const;

  double lr() const { return lr_; }
  void set_lr(double lr);
  const NamedParameters& parameters() const { return params_; }

  // Per-parameter state for a checkpoint; parameters that were never updated have none.
  virtual std::map<std::string, Tensor> state_dict() const = 0;
  // Replaces the state with `tensors` (as produced by state_dict); every problem (an unknown
  // key, a missing field, a shape or dtype mismatch) is reported at once and nothing changes.
  virtual void load_state_dict(const std::map<std::string, Tensor>& tensors) = 0;

 protected:
  // For each parameter, its state tensors "<name>.<field>" in `fields` order (undefined where
  // absent). Keys that match no parameter and field are appended to `problems`.
  std::vector<std::vector<Tensor>> split_state(const std::map<std::string, Tensor>& tensors,
                                               const std::vector<std::string>& fields,
                                               std::vector<std::string>& problems) const;
  // Throws "<op>: the state does not match the parameters: ..." listing `problems`, if any.
  static void throw_if_problems(const char* op, const std::vector<std::string>& problems);
  // Appends a problem unless `t` has parameter i's shape and dtype (or, with int64_scalar, is
  // the int64 scalar that holds a step count).
  void check_state_tensor(size_t i, const std::string& field, const Tensor& t, std::vector<std::string>& problems,
                          bool int64_scalar = false) const;

  NamedParameters params_;
  double lr_;
  const char* name_;
};

}  // namespace fw::optim
