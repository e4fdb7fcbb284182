#include "framework/ops/gru.h"

#include <algorithm>
#include <string>

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"

namespace fw {

std::string gru_weight_name(int64_t index, int64_t dirs) {
  static const char* const kinds[] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
  const int64_t layer = index / (4 * dirs), dir = (index / 4) % dirs;
  return std::string(kinds[index % 4]) + "_l" + std::to_string(layer) + (dir == 1 ? "_reverse" : "");
}

namespace {

struct GruSizes {
  int64_t batch, time, input, hidden, layers, dirs, steps;
  int64_t layer_input(int64_t layer) const { return layer == 0 ? input : hidden * dirs; }
};

// The sequence lengths and the row order of the kernels' state (by decreasing length).
struct GruRows {
  std::vector<int64_t> lengths, order;
};

GruGeometry geometry(const GruSizes& n, const GruRows& rows, int64_t layer, int64_t dir) {
  return {.batch = n.batch,
          .time = n.time,
          .input = n.layer_input(layer),
          .hidden = n.hidden,
          .steps = n.steps,
          .lengths = rows.lengths.data(),
          .order = rows.order.data(),
          .reverse = dir == 1};
}

GruSizes check_gru_arguments(const Tensor& x, const std::vector<int64_t>& lengths, const std::vector<Tensor>& weights,
                             int64_t num_layers, bool bidirectional) {
  const std::string xs = shape_str(x.shape());
  check(x.dim() == 3, "gru", "expected x of shape [batch, time, input], got ", xs);
  check(is_floating(x.dtype()), "gru", "expected a float32 or float64 x, got ", dtype_name(x.dtype()));
  GruSizes n{x.size(0), x.size(1), x.size(2), 0, num_layers, bidirectional ? 2 : 1, 0};
  check(n.batch > 0 && n.time > 0 && n.input > 0, "gru", "x must not be empty, got ", xs);
  check(num_layers >= 1, "gru", "num_layers must be at least 1, got ", num_layers);
  check(static_cast<int64_t>(lengths.size()) == n.batch, "gru", "expected ", n.batch,
        " lengths (one per sequence of x ", xs, "), got ", lengths.size());
  for (int64_t b = 0; b < n.batch; ++b) {
    check(lengths[b] >= 1 && lengths[b] <= n.time, "gru", "length ", lengths[b], " of sequence ", b, " is outside 1..",
          n.time, " (x is ", xs, ")");
    n.steps = std::max(n.steps, lengths[b]);
  }
  const int64_t expected_count = 4 * num_layers * n.dirs;
  check(static_cast<int64_t>(weights.size()) == expected_count, "gru", "expected ", expected_count,
        " weight tensors (4 per layer and direction, ", num_layers, " layers, ", n.dirs, " directions), got ",
        weights.size());
  const Tensor& w_hh0 = weights[1];
  check(w_hh0.dim() == 2 && w_hh0.size(1) > 0 && w_hh0.size(0) == 3 * w_hh0.size(1), "gru",
        "weight_hh_l0 must be [3·hidden, hidden], got ", shape_str(w_hh0.shape()));
  n.hidden = w_hh0.size(1);
  for (int64_t i = 0; i < expected_count; ++i) {
    const std::string name = gru_weight_name(i, n.dirs);
    const Tensor& w = weights[i];
    check(w.defined(), "gru", name, " is undefined");
    check(w.dtype() == x.dtype(), "gru", name, " is ", dtype_name(w.dtype()), " ", shape_str(w.shape()), ", expected ",
          dtype_name(x.dtype()), " like x ", xs);
    const int64_t layer = i / (4 * n.dirs), kind = i % 4;
    const Shape expected = kind == 0   ? Shape{3 * n.hidden, n.layer_input(layer)}
                           : kind == 1 ? Shape{3 * n.hidden, n.hidden}
                                       : Shape{3 * n.hidden};
    check(w.shape() == expected, "gru", name, " has shape ", shape_str(w.shape()), ", expected ", shape_str(expected),
          " (hidden ", n.hidden, ", x ", xs, ")");
  }
  return n;
}

GruOutput gru_forward(const Tensor& x, const std::vector<int64_t>& lengths, const std::vector<Tensor>& weights,
                      const GruSizes& n) {
  const int64_t B = n.batch, H = n.hidden, D = n.dirs;
  const GruRows rows{lengths, gru_row_order(lengths)};
  Backend& device = backend(x.device());
  const Device where = x.device();

  // Dense, detached copies of what the backward reads.
  std::vector<Tensor> w;
  for (const Tensor& t : weights) w.push_back(t.detach().contiguous());
  std::vector<Tensor> layer_inputs{x.detach().contiguous()};  // input of each layer
  std::vector<Tensor> gates, states;                          // per (layer, direction)
  Tensor h_n = Tensor::empty({n.layers * D, B, H}, x.dtype(), where);
  Tensor output;
  for (int64_t k = 0; k < n.layers; ++k) {
    output = Tensor::zeros({B, n.time, H * D}, x.dtype(), where);
    std::vector<Tensor> h_n_slots;
    for (int64_t d = 0; d < D; ++d) {
      gates.push_back(Tensor::empty({n.steps, B, 4 * H}, x.dtype(), where));
      states.push_back(Tensor::empty({n.steps, B, H}, x.dtype(), where));
      h_n_slots.push_back(h_n.select(0, k * D + d));
    }
    // The directions write disjoint columns of `output` and their own h_n, gates and states.
    device.run_independent(D, [&](int64_t d) {
      const int64_t i = 4 * (k * D + d);
      device.gru_forward(geometry(n, rows, k, d), layer_inputs[k], w[i], w[i + 1], w[i + 2], w[i + 3], output, d * H,
                         h_n_slots[d], gates[k * D + d], states[k * D + d]);
    });
    if (k + 1 < n.layers) layer_inputs.push_back(output);
  }

  std::vector<Tensor> inputs{x};
  inputs.insert(inputs.end(), weights.begin(), weights.end());
  auto backward = [n, rows, w, layer_inputs, gates, states,
                   x_needs_grad = x.requires_grad()](const std::vector<Tensor>& grads) {
    Backend* device = &backend(grads[0].device());
    const int64_t D = n.dirs, B = n.batch, H = n.hidden;
    std::vector<Tensor> result(1 + w.size());
    Tensor d_out = grads[0].contiguous();
    const Tensor d_h_n = grads[1].contiguous();
    for (int64_t k = n.layers - 1; k >= 0; --k) {
      const bool want_dx = k > 0 || x_needs_grad;
      // Each direction adds its input gradient into a tensor of its own (they run independently),
      // summed afterwards.
      std::vector<Tensor> d_in(static_cast<std::size_t>(D));
      for (int64_t d = 0; d < D; ++d) {
        const int64_t i = 4 * (k * D + d);
        for (int64_t j = 0; j < 4; ++j)
          result[1 + i + j] = Tensor::empty(w[i + j].shape(), d_out.dtype(), d_out.device());
        if (want_dx) d_in[d] = Tensor::zeros({B, n.time, n.layer_input(k)}, d_out.dtype(), d_out.device());
      }
      std::vector<Tensor> d_h_n_slots;  // views made here: a task runs on another thread (grad_mode.h)
      for (int64_t d = 0; d < D; ++d) d_h_n_slots.push_back(d_h_n.select(0, k * D + d));
      device->run_independent(D, [&](int64_t d) {
        const int64_t i = 4 * (k * D + d);
        device->gru_backward(geometry(n, rows, k, d), layer_inputs[k], w[i], w[i + 1], gates[k * D + d],
                             states[k * D + d], d_out, d * H, d_h_n_slots[d], want_dx ? &d_in[d] : nullptr,
                             result[1 + i], result[2 + i], result[3 + i], result[4 + i]);
      });
      if (want_dx && D == 2) {
        const Tensor both[] = {d_in[0], d_in[1]};
        device->elementwise(ElementwiseOp::Add, d_in[0], both);
      }
      d_out = d_in[0];
    }
    result[0] = d_out;
    return result;
  };
  std::vector<Tensor> outs = record("gru", {output, h_n}, inputs, std::move(backward), inputs);
  return {outs[0], outs[1]};
}

}  // namespace

GruOutput gru(const Tensor& x, const std::vector<int64_t>& lengths, const std::vector<Tensor>& weights,
              int64_t num_layers, bool bidirectional) {
  const GruSizes n = check_gru_arguments(x, lengths, weights, num_layers, bidirectional);
  return gru_forward(x, lengths, weights, n);
}

GruOutput gru(const Tensor& x, const Tensor& lengths, const std::vector<Tensor>& weights, int64_t num_layers,
              bool bidirectional) {
  check(lengths.dtype() == DType::Int64 && lengths.dim() == 1, "gru", "expected lengths as a 1-D int64 tensor, got ",
        dtype_name(lengths.dtype()), " ", shape_str(lengths.shape()));
  return gru(x, lengths.to_vector<int64_t>(), weights, num_layers, bidirectional);
}

}  // namespace fw
