#pragma once
// A node of the backward graph: one recorded op. It knows
//   - the metadata of each of its outputs (to make zero gradients and to check shapes),
//   - for each of its inputs, where that input's gradient goes next (an Edge), and
//   - how to turn the gradients of its outputs into gradients of its inputs (apply).
// A leaf that requires grad is represented by an AccumulateGrad node that adds into .grad.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/tensor.h"

namespace fw {

class Node;

// "The gradient of this input flows into output `output_nr` of `node`."
// A null node means the input does not need a gradient.
struct Edge {
  std::shared_ptr<Node> node;
  int output_nr = 0;
};

// What a node's output was: its gradient must match it (the engine checks; a missing gradient is
// zeros of this kind, on this device).
struct OutputInfo {
  Shape shape;
  DType dtype;
  Device device;
};

class Node {
 public:
  explicit Node(std::string name) : name_(std::move(name)) {}
  // Unlinks the nodes this one solely owns iteratively, so that dropping a long graph does not
  // recurse once per node and overflow the stack.
  virtual ~Node();

  const std::string& name() const { return name_; }
  const std::vector<Edge>& next_edges() const { return next_edges_; }
  const std::vector<OutputInfo>& outputs() const { return outputs_; }

  // grads[i] is the gradient of output i (always defined: the engine fills zeros).
  // Returns one gradient per input; an undefined Tensor means "no gradient".
  virtual std::vector<Tensor> apply(const std::vector<Tensor>& grads) = 0;
  // Drops whatever the backward saved (called after backward unless retain_graph).
  virtual void release() { released_ = true; }
  bool released() const { return released_; }

  std::vector<Edge> next_edges_;
  std::vector<OutputInfo> outputs_;

 protected:
  bool released_ = false;

 private:
  std::string name_;
};

// The node behind a leaf tensor that requires grad: adds the incoming gradient to .grad.
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(std::weak_ptr<TensorImpl> leaf);
  std::vector<Tensor> apply(const std::vector<Tensor>& grads) override;
  void release() override {}  // a leaf can receive gradients from any number of passes

 private:
  std::weak_ptr<TensorImpl> leaf_;
};

// An op whose backward is a closure, the common case. The closure captures what the
// backward needs (detached tensors, sizes) and nothing more; release() destroys it.
using BackwardFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& grads)>;

class FunctionNode : public Node {
 public:
  FunctionNode(std::string name, BackwardFn backward) : Node(std::move(name)), backward_(std::move(backward)) {}
  // Errors when a tensor the backward saved was written in place since (see record's `saved`).
  std::vector<Tensor> apply(const std::vector<Tensor>& grads) override;
  void release() override;
  // Remembers the version of each saved tensor's storage, checked by apply().
  void remember_versions(const std::vector<Tensor>& saved);

 private:
  BackwardFn backward_;
  std::vector<std::pair<std::weak_ptr<Storage>, uint64_t>> saved_versions_;  // weak: the closure owns them
};

// The edge an input's gradient should follow: its grad_fn, its leaf accumulator, or none.
Edge gradient_edge(const Tensor& input);

// Connects freshly computed `outputs` of op `name` to the graph, if grad mode is on and any
// input requires grad; otherwise returns them untouched. This is the one call every
// differentiable op makes:
//
//   Tensor out = ...forward kernel...;
//   return record("exp", {out}, {x}, [y = out.detach()](const auto& g) {
//     return std::vector<Tensor>{g[0] * y};             // d exp(x) = exp(x) dx
//   })[0];
//
// `saved` lists the tensors (inputs or outputs) whose values the closure reads. If one of them is
// written in place before the backward runs (`y = x * w; w.add_(1); y.backward()`), the backward
// would silently compute with the new values; instead it stops with an error naming the op.
std::vector<Tensor> record(const char* name, std::vector<Tensor> outputs, const std::vector<Tensor>& inputs,
                           BackwardFn backward, const std::vector<Tensor>& saved = {});

// Single-output shorthand whose closure receives the one output gradient.
Tensor record1(const char* name, Tensor output, const std::vector<Tensor>& inputs,
               std::function<std::vector<Tensor>(const Tensor& grad)> backward,
               const std::vector<Tensor>& saved = {});

bool any_requires_grad(const std::vector<Tensor>& inputs);

}  // namespace fw
