#pragma once
// Module: a layer with named parameters and named submodules, as in PyTorch's nn.Module.
// Names are hierarchical ("txt_enc.rnn.weight_ih_l0_reverse"), so a state dict written by
// PyTorch maps onto ours by name.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/tensor.h"

namespace fw::nn {

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Every parameter of this module and its submodules, as (dotted name, tensor), in
  // registration order (parameters of a module first, then each submodule's).
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<Tensor> parameters() const;
  // Total number of parameter elements.
  int64_t parameter_count() const;
  // Looks a parameter up by dotted name, or throws naming it.
  Tensor parameter(const std::string& dotted_name) const;

  // Train/eval flag, propagated to submodules (no layer of SCAN behaves differently, but
  // the flag is part of the checkpointed state and of the API users expect).
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  void zero_grad() const;

 protected:
  // Registers a leaf tensor as a parameter (sets requires_grad) and returns it.
  Tensor& register_parameter(const std::string& name, Tensor value);
  // Registers a child; the module must outlive nothing but its owner (owned via shared_ptr).
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    children_.emplace_back(name, module);
    return module;
  }

 private:
  std::vector<std::pair<std::string, std::unique_ptr<Tensor>>> parameters_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace fw::nn
