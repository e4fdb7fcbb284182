#include "framework/testing/op_catalogue.h"

#include <cmath>

#include "framework/ops/elementwise.h"

namespace fw::testing {

const std::vector<OpCase>& op_catalogue() {
  static const std::vector<OpCase> cases = [] {
    std::vector<OpCase> all;
    add_elementwise_cases(all);
    add_view_cases(all);
    add_unary_cases(all);
    add_reduce_cases(all);
    add_linalg_cases(all);
    add_indexing_cases(all);
    add_normalization_cases(all);
    add_cross_attention_cases(all);
    add_layer_cases(all);
    add_gru_cases(all);
    return all;
  }();
  return cases;
}

Tensor make_input(const InputSpec& spec, Generator& gen, DType dtype, Device device) {
  Shape stored = spec.shape;
  if (spec.layout == Layout::Transposed) {
    check(stored.size() >= 2, "make_input", "a transposed input needs two dims, got ", shape_str(stored));
    std::swap(stored[stored.size() - 1], stored[stored.size() - 2]);
  } else if (spec.layout == Layout::Strided) {
    check(!stored.empty(), "make_input", "a strided input needs at least one dim");
    stored.back() *= 2;
  }
  Tensor data = Tensor::empty(stored, DType::Float64);
  double* p = data.data<double>();
  for (int64_t i = 0; i < data.numel(); ++i) {
    double v = gen.uniform(spec.low, spec.high);
    if (spec.min_magnitude > 0 && std::abs(v) < spec.min_magnitude) v = std::copysign(spec.min_magnitude, v) + v;
    p[i] = v;
  }
  Tensor typed = data.to(dtype).to(device);
  switch (spec.layout) {
    case Layout::Contiguous: return typed;
    case Layout::Transposed: return typed.transpose(-1, -2);
    case Layout::Strided: {
      // Every other element along the last dim: shape [.., n] with stride 2.
      Shape shape = spec.shape;
      Strides strides = typed.strides();
      strides.back() = 2;
      return make_view(typed, shape, strides, 0);
    }
  }
  return typed;
}

GradcheckResult run_gradcheck(const OpCase& c, uint64_t seed, Device device) {
  Generator gen(seed);
  std::vector<Tensor> inputs;
  for (const InputSpec& spec : c.inputs) inputs.push_back(make_input(spec, gen, DType::Float64, device));
  return gradcheck(c.fn, inputs, c.options);
}

std::string describe_inputs(const OpCase& c) {
  std::string s;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    if (i) s += " x ";
    s += shape_str(c.inputs[i].shape);
    if (c.inputs[i].layout == Layout::Transposed) s += "ᵀ";
    if (c.inputs[i].layout == Layout::Strided) s += "/s2";
  }
  return s;
}

}  // namespace fw::testing
