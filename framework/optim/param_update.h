#pragma once
// The part every optimiser's step shares: hand a fused per-parameter kernel dense pointers to a
// parameter and its gradient. Internal to framework/optim.
#include <string>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/core/tensor.h"
#include "framework/ops/elementwise.h"

namespace fw::optim::detail {

// Calls kernel.template operator()<T>(p, g, n) with T the parameter's float type, p and g dense
// arrays of n elements. A non-contiguous parameter is updated through a dense copy.
template <typename Kernel>
void update_parameter(const char* op, const std::string& name, const Tensor& param, Kernel&& kernel) {
  NoGradGuard no_grad;
  Tensor grad = param.grad();
  check(grad.dtype() == param.dtype(), op, "parameter '", name, "' is ", dtype_name(param.dtype()),
        " but its gradient is ", dtype_name(grad.dtype()));
  if (!grad.is_contiguous()) grad = grad.contiguous();
  Tensor target = param.detach();
  Tensor dense = target.is_contiguous() ? target : target.contiguous();
  dispatch_floating(param.dtype(), op, [&]<typename T>() {
    kernel.template operator()<T>(dense.data<T>(), grad.data<T>(), param.numel());
  });
  if (!dense.shares_storage_with(target)) copy_(target, dense);
}

}  // namespace fw::optim::detail
