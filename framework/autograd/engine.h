#pragma once
// Reverse-mode differentiation over the recorded graph (see docs/autograd.md).
#include "framework/core/tensor.h"

namespace fw {

// Seeds `root` with `grad` (ones for a one-element root when undefined), runs every node that
// the root depends on once, in reverse topological order, and adds the results into the .grad
// of the leaves that require grad. Without retain_graph the nodes release their saved tensors.
void run_backward(const Tensor& root, const Tensor& grad, bool retain_graph);

}  // namespace fw
