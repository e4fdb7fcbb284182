#include "framework/nn/module.h"

#include "framework/core/error.h"

namespace fw::nn {

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const auto& [name, tensor] : parameters_) out.emplace_back(name, *tensor);
  for (const auto& [prefix, child] : children_)
    for (auto& [name, tensor] : child->named_parameters()) out.emplace_back(prefix + "." + name, tensor);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters()) out.push_back(tensor);
  return out;
}

int64_t Module::parameter_count() const {
  int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

Tensor Module::parameter(const std::string& dotted_name) const {
  for (auto& [name, tensor] : named_parameters())
    if (name == dotted_name) return tensor;
  throw Error("Module::parameter: no parameter named '" + dotted_name + "'");
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() const {
  for (const Tensor& t : parameters()) t.zero_grad();
}

Tensor& Module::register_parameter(const std::string& name, Tensor value) {
  check(name.find('.') == std::string::npos, "Module::register_parameter", "name '", name,
        "' must not contain a dot");
  for (const auto& [existing, t] : parameters_)
    check(existing != name, "Module::register_parameter", "a parameter named '", name, "' already exists");
  value.set_requires_grad(true);
  parameters_.emplace_back(name, std::make_unique<Tensor>(value));
  return *parameters_.back().second;
}

}  // namespace fw::nn
