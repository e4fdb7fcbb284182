#pragma once
// The part every optimiser's step shares: hand a fused per-parameter update the device's backend
// and dense views of a parameter and its gradient. Internal to framework/optim.
#include <string>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/core/tensor.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"

namespace fw::optim::detail {

// Calls update(backend, p, g) with p and g dense tensors of the parameter's float type and
// device. A non-contiguous parameter is updated through a dense copy.
template <typename Update>
void update_parameter(const char* op, const std::string& name, const Tensor& param, Update&& update) {
  NoGradGuard no_grad;
  Tensor grad = param.grad();
  check(grad.dtype() == param.dtype(), op, "parameter '", name, "' is ", dtype_name(param.dtype()),
        " but its gradient is ", dtype_name(grad.dtype()));
  check(grad.device() == param.device(), op, "parameter '", name, "' is on ", param.device().str(),
        " but its gradient is on ", grad.device().str());
  check(is_floating(param.dtype()), op, "expected a float32 or float64 tensor, got ", dtype_name(param.dtype()));
  if (!grad.is_contiguous()) grad = grad.contiguous();
  Tensor target = param.detach();
  Tensor dense = target.is_contiguous() ? target : target.contiguous();
  update(backend(param.device()), dense, grad);
  if (!dense.shares_storage_with(target)) copy_(target, dense);
  target.storage()->bump_version();
}

}  // namespace fw::optim::detail
