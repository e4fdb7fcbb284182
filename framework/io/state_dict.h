#pragma once
// A module's parameters as a name -> tensor map (PyTorch's state_dict), and loading such a map
// back into an existing module with every name, shape and dtype checked. Together with
// save_safetensors / load_safetensors this is how models are checkpointed.
#include <map>
#include <string>

#include "framework/core/tensor.h"
#include "framework/nn/module.h"

namespace fw {

// Dotted parameter names -> detached tensors sharing the parameters' storage (no copy).
std::map<std::string, Tensor> state_dict(const nn::Module& module);

// Copies `tensors` into the module's parameters. Any difference (a missing name, an unexpected
// name, a shape or dtype mismatch) is an error listing every difference at once, e.g.
//   "txt_enc.rnn.weight_ih_l0: expected [3072, 300] float32, file has [3072, 200] float32";
// nothing is copied unless everything matches.
void load_state_dict(nn::Module& module, const std::map<std::string, Tensor>& tensors);

}  // namespace fw
