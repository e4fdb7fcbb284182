#include "framework/optim/optimizer.h"

#include <cmath>
#include <set>

#include "framework/core/error.h"

namespace fw::optim {

NamedParameters name_by_index(const std::vector<Tensor>& params) {
  NamedParameters named;
  for (size_t i = 0; i < params.size(); ++i) named.emplace_back(std::to_string(i), params[i]);
  return named;
}

Optimizer::Optimizer(NamedParameters params, double lr, const char* name)
    : params_(std::move(params)), lr_(lr), name_(name) {
  std::set<std::string> seen;
  for (const auto& [param_name, param] : params_) {
    check(param.defined(), name_, "parameter '", param_name, "' is undefined");
    check(is_floating(param.dtype()), name_, "parameter '", param_name, "' is ", dtype_name(param.dtype()),
          ", expected float32 or float64");
    check(seen.insert(param_name).second, name_, "two parameters are named '", param_name, "'");
  }
  set_lr(lr);
}

void Optimizer::set_lr(double lr) {
  check(std::isfinite(lr) && lr >= 0, name_, "the learning rate must be finite and non-negative, got ", lr);
  lr_ = lr;
}

void Optimizer::zero_grad() const {
  for (const auto& [name, param] : params_) param.zero_grad();
}

std::vector<std::vector<Tensor>> Optimizer::split_state(const std::map<std::string, Tensor>& tensors,
                                                        const std::vector<std::string>& fields,
                                                        std::vector<std::string>& problems) const {
  std::map<std::string, std::pair<size_t, size_t>> slots;  // key -> (parameter, field)
  for (size_t i = 0; i < params_.size(); ++i)
    for (size_t f = 0; f < fields.size(); ++f) slots[params_[i].first + "." + fields[f]] = {i, f};
  std::vector<std::vector<Tensor>> state(params_.size(), std::vector<Tensor>(fields.size()));
  for (const auto& [key, tensor] : tensors) {
    const auto it = slots.find(key);
    if (it == slots.end()) problems.push_back("'" + key + "' is not the state of any parameter");
    else state[it->second.first][it->second.second] = tensor;
  }
  return state;
}

void Optimizer::check_state_tensor(size_t i, const std::string& field, const Tensor& t,
                                   std::vector<std::string>& problems, bool int64_scalar) const {
  const Shape shape = int64_scalar ? Shape{} : params_[i].second.shape();
  const DType dtype = int64_scalar ? DType::Int64 : params_[i].second.dtype();
  if (t.shape() != shape || t.dtype() != dtype)
    problems.push_back(params_[i].first + "." + field + ": expected " + shape_str(shape) + " " + dtype_name(dtype) +
                       ", got " + shape_str(t.shape()) + " " + dtype_name(t.dtype()));
}

void Optimizer::throw_if_problems(const char* op, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string message = std::string(op) + ": the state does not match the parameters:";
  for (const std::string& p : problems) message += "\n  " + p;
  throw Error(message);
}

}  // namespace fw::optim
