#include "framework/autograd/engine.h"

#include <array>
#include <chrono>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "framework/autograd/backward_profile.h"
#include "framework/autograd/grad_mode.h"
#include "framework/autograd/node.h"
#include "framework/devices/devices.h"

namespace fw {

namespace {

// a + b for two gradients of the same output slot (same shape, dtype and device), computed by
// the device's backend.
Tensor sum_of_gradients(const Tensor& a, const Tensor& b, const std::string& op) {
  check(a.shape() == b.shape() && a.dtype() == b.dtype() && a.device() == b.device(), "backward",
        "gradients of different kinds reached one output of op '", op, "': ", dtype_name(a.dtype()), " ",
        shape_str(a.shape()), " on ", a.device().str(), " and ", dtype_name(b.dtype()), " ", shape_str(b.shape()),
        " on ", b.device().str());
  Tensor out = Tensor::empty(a.shape(), a.dtype(), a.device());
  const std::array<Tensor, 2> inputs{a, b};
  backend(a.device()).elementwise(ElementwiseOp::Add, out, inputs);
  return out;
}

// Every node reachable from `root`, ordered so that a node comes after all nodes that
// feed gradient into it (i.e. after every consumer of its outputs). Iterative DFS, so
// long graphs (a recurrent net unrolled over many steps) cannot overflow the stack.
std::vector<Node*> topological_order(Node* root) {
  std::vector<Node*> post_order;
  std::unordered_set<Node*> visited{root};
  std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->next_edges().size()) {
      Node* child = node->next_edges()[next++].node.get();
      if (child && visited.insert(child).second) stack.push_back({child, 0});
    } else {
      post_order.push_back(node);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};  // reverse post-order = topological order
}

void check_gradient(const Tensor& grad, const OutputInfo& expected, const std::string& op) {
  check(grad.shape() == expected.shape, "backward",
        "op '", op, "' received a gradient of shape ", shape_str(grad.shape()), " for an output of shape ",
        shape_str(expected.shape));
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& grad, bool retain_graph) {
  check(root.defined(), "backward", "called on an undefined tensor");
  check(root.requires_grad(), "backward",
        "the tensor does not require grad (no input of the ops that made it had requires_grad set)");
  Tensor seed = grad;
  if (!seed.defined()) {
    check(root.numel() == 1, "backward",
          "a gradient must be given for a non-scalar output of shape ", shape_str(root.shape()),
          " (backward() without arguments needs a one-element tensor)");
    seed = Tensor::ones(root.shape(), root.dtype(), root.device());
  }
  check(seed.shape() == root.shape(), "backward", "the gradient has shape ", shape_str(seed.shape()),
        " but the output has shape ", shape_str(root.shape()));

  NoGradGuard no_grad;  // the backward computation itself is not recorded
  const Edge root_edge = gradient_edge(root);
  // Gradients waiting to be consumed, per node and output slot (summed as they arrive).
  std::unordered_map<Node*, std::vector<Tensor>> pending;
  auto deliver = [&](const Edge& edge, const Tensor& g) {
    std::vector<Tensor>& slots = pending[edge.node.get()];
    slots.resize(edge.node->outputs().size());
    Tensor& slot = slots[edge.output_nr];
    slot = slot.defined() ? sum_of_gradients(slot, g, edge.node->name()) : g;
  };
  deliver(root_edge, seed.to(root.dtype()));

  for (Node* node : topological_order(root_edge.node.get())) {
    auto it = pending.find(node);
    if (it == pending.end()) continue;  // no gradient reached it
    std::vector<Tensor> grads = std::move(it->second);
    pending.erase(it);
    for (size_t i = 0; i < node->outputs().size(); ++i) {
      if (!grads[i].defined())
        grads[i] = Tensor::zeros(node->outputs()[i].shape, node->outputs()[i].dtype, node->outputs()[i].device);
      check_gradient(grads[i], node->outputs()[i], node->name());
    }
    BackwardProfile* profile = BackwardProfiler::active();
    const auto start = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    std::vector<Tensor> input_grads = node->apply(grads);
    if (profile) {
      BackwardProfile::Entry& entry = profile->ops[node->name()];
      entry.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++entry.calls;
    }
    if (!retain_graph) node->release();
    for (size_t i = 0; i < input_grads.size() && i < node->next_edges().size(); ++i) {
      const Edge& edge = node->next_edges()[i];
      if (edge.node && input_grads[i].defined()) {
        check_gradient(input_grads[i], edge.node->outputs()[edge.output_nr], node->name() + " (input gradient)");
        deliver(edge, input_grads[i]);
      }
    }
  }
}

}  // namespace fw
