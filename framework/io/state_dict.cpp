#include "framework/io/state_dict.h"

#include <set>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/ops/elementwise.h"

namespace fw {

namespace {

std::string describe(const Tensor& t) { return shape_str(t.shape()) + " " + dtype_name(t.dtype()); }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::map<std::string, Tensor> state_dict(const nn::Module& module) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, tensor] : module.named_parameters()) out.emplace(name, tensor.detach());
  return out;
}

void load_state_dict(nn::Module& module, const std::map<std::string, Tensor>& tensors) {
  const auto params = module.named_parameters();
  std::vector<std::string> missing, unexpected, mismatched;
  std::set<std::string> known;
  for (const auto& [name, param] : params) {
    known.insert(name);
    const auto it = tensors.find(name);
    if (it == tensors.end()) missing.push_back(name);
    else if (it->second.shape() != param.shape() || it->second.dtype() != param.dtype())
      mismatched.push_back(name + ": expected " + describe(param) + ", file has " + describe(it->second));
  }
  for (const auto& [name, tensor] : tensors)
    if (!known.count(name)) unexpected.push_back(name);

  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::string message = "load_state_dict: the tensors do not match the module's parameters:";
    if (!missing.empty()) message += "\n  missing from the file: " + join(missing);
    if (!unexpected.empty()) message += "\n  not parameters of the module: " + join(unexpected);
    for (const std::string& line : mismatched) message += "\n  " + line;
    throw Error(message);
  }
  NoGradGuard no_grad;
  for (auto [name, param] : params) copy_(param, tensors.at(name));
}

}  // namespace fw
