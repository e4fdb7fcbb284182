// The Tensor members that belong to autograd (declared in core/tensor.h): marking leaves,
// backward(), and printing (which names the op that made a tensor).
#include <iomanip>
#include <ostream>

#include "framework/autograd/engine.h"
#include "framework/autograd/node.h"
#include "framework/core/tensor.h"

namespace fw {

Tensor& Tensor::set_requires_grad(bool value) {
  // The op's name is read only when there is one (check() evaluates all its arguments).
  if (!is_leaf())
    throw Error(detail::concat("set_requires_grad: only leaf tensors can be marked; this one was computed by op '",
                               grad_fn()->name(), "' (use detach() to make a leaf)"));
  check(!value || is_floating(dtype()), "set_requires_grad", "an ", dtype_name(dtype()),
        " tensor cannot require grad");
  impl().requires_grad = value;
  return *this;
}

void Tensor::backward(const Tensor& grad, bool retain_graph) const { run_backward(*this, grad, retain_graph); }

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  if (!t.defined()) return out << "Tensor(undefined)";
  out << "Tensor(" << dtype_name(t.dtype()) << ", " << shape_str(t.shape());
  if (t.grad_fn()) out << ", grad_fn=" << t.grad_fn()->name();
  else if (t.requires_grad()) out << ", requires_grad";
  out << ")";
  if (t.numel() <= 64) {
    out << " {";
    const std::vector<double> values = t.to_vector<double>();
    for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << std::setprecision(6) << values[i];
    out << "}";
  }
  return out;
}

}  // namespace fw
