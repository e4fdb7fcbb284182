#include "framework/autograd/node.h"

#include <array>

#include "framework/autograd/grad_mode.h"
#include "framework/devices/devices.h"

namespace fw {

Node::~Node() {
  // Destroying a node releases its edges; if an edge held the last reference to the next node,
  // that node's destructor would run nested inside this one, and so on down a chain. Instead,
  // take over such nodes and destroy them one at a time, each with its edges already emptied.
  std::vector<std::shared_ptr<Node>> orphans;
  auto adopt_edges = [&orphans](std::vector<Edge>& edges) {
    for (Edge& edge : edges)
      if (edge.node && edge.node.use_count() == 1) orphans.push_back(std::move(edge.node));
    edges.clear();
  };
  adopt_edges(next_edges_);
  while (!orphans.empty()) {
    std::shared_ptr<Node> node = std::move(orphans.back());
    orphans.pop_back();
    adopt_edges(node->next_edges_);
  }  // `node` is destroyed here, with no edges left to recurse into
}

AccumulateGrad::AccumulateGrad(std::weak_ptr<TensorImpl> leaf) : Node("AccumulateGrad"), leaf_(std::move(leaf)) {}

std::vector<Tensor> AccumulateGrad::apply(const std::vector<Tensor>& grads) {
  auto leaf = leaf_.lock();
  if (!leaf) return {};  // the leaf no longer exists: nobody can read its gradient
  const Tensor& g = grads[0];
  if (!leaf->grad) {
    leaf->grad = g.contiguous().clone().detach().impl_ptr();
  } else {
    // .grad += g, by the device's backend (in place when .grad is dense, as it is unless the
    // user set a strided one).
    Tensor accumulated(leaf->grad);
    check(g.dtype() == accumulated.dtype() && g.device() == accumulated.device(), "backward",
          "the gradient of a leaf is ", dtype_name(g.dtype()), " on ", g.device().str(), " but its .grad is ",
          dtype_name(accumulated.dtype()), " on ", accumulated.device().str());
    Backend& device = backend(accumulated.device());
    Tensor dense = accumulated.is_contiguous() ? accumulated : accumulated.contiguous();
    const std::array<Tensor, 2> inputs{dense.detach(), g};
    device.elementwise(ElementwiseOp::Add, dense, inputs);
    if (!dense.shares_storage_with(accumulated)) device.copy(accumulated, dense);
    accumulated.storage()->bump_version();  // an in-place write like any other (saved tensors)
  }
  return {};
}

std::vector<Tensor> FunctionNode::apply(const std::vector<Tensor>& grads) {
  check(!released_, name().c_str(),
        "the graph through this op was freed by an earlier backward(); call backward(grad, "
        "/*retain_graph=*/true) the first time to go through it twice");
  for (const auto& [saved, version] : saved_versions_) {
    const std::shared_ptr<Storage> storage = saved.lock();
    if (!storage) continue;  // nothing holds it any more, so nothing can read it
    check(storage->version() == version, "backward",
          "a tensor that op '", name(), "' saved for its backward was modified in place after the forward (its "
          "version is ", storage->version(), ", it was saved at version ", version,
          "), so the gradient would be computed from the new values; modify a clone instead, or only after "
          "backward()");
  }
  return backward_(grads);
}

void FunctionNode::remember_versions(const std::vector<Tensor>& saved) {
  for (const Tensor& t : saved)
    if (t.defined()) saved_versions_.emplace_back(t.storage(), t.storage()->version());
}

void FunctionNode::release() {
  backward_ = nullptr;  // frees the saved tensors
  saved_versions_.clear();
  released_ = true;
}

Edge gradient_edge(const Tensor& input) {
  if (!input.defined() || !input.requires_grad()) return {};
  TensorImpl& impl = input.impl();
  if (impl.grad_fn) return {impl.grad_fn, impl.output_nr};
  std::shared_ptr<Node> accumulator = impl.grad_accumulator.lock();
  if (!accumulator) {
    auto node = std::make_shared<AccumulateGrad>(input.impl_ptr());
    node->outputs_.push_back({impl.shape, impl.dtype, impl.storage->device()});
    impl.grad_accumulator = node;
    accumulator = node;
  }
  return {accumulator, 0};
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

std::vector<Tensor> record(const char* name, std::vector<Tensor> outputs, const std::vector<Tensor>& inputs,
                           BackwardFn backward, const std::vector<Tensor>& saved) {
  if (!grad_enabled() || !any_requires_grad(inputs)) return outputs;
  auto node = std::make_shared<FunctionNode>(name, std::move(backward));
  node->remember_versions(saved);
  for (const Tensor& input : inputs) node->next_edges_.push_back(gradient_edge(input));
  for (size_t i = 0; i < outputs.size(); ++i) {
    // Each output gets its own header so that marking it does not touch tensors sharing its impl.
    Tensor& out = outputs[i];
    auto impl = std::make_shared<TensorImpl>(out.impl());
    impl->grad.reset();
    impl->grad_accumulator.reset();
    impl->requires_grad = true;
    impl->grad_fn = node;
    impl->output_nr = static_cast<int>(i);
    node->outputs_.push_back({impl->shape, impl->dtype, impl->storage->device()});
    out = Tensor(impl);
  }
  return outputs;
}

Tensor record1(const char* name, Tensor output, const std::vector<Tensor>& inputs,
               std::function<std::vector<Tensor>(const Tensor& grad)> backward, const std::vector<Tensor>& saved) {
  return record(
      name, {std::move(output)}, inputs,
      [fn = std::move(backward)](const std::vector<Tensor>& grads) { return fn(grads[0]); }, saved)[0];
}

}  // namespace fw
