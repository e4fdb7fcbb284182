#include "framework/testing/gradcheck.h"

#include <cmath>
#include <sstream>

#include "framework/autograd/grad_mode.h"
#include "framework/core/random.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

namespace {

// Storage offsets of every element of t, in row-major order of its logical index.
std::vector<int64_t> element_offsets(const Tensor& t) {
  std::vector<int64_t> offsets;
  offsets.reserve(t.numel());
  std::vector<int64_t> index(t.dim(), 0);
  for (int64_t n = 0; n < t.numel(); ++n) {
    int64_t offset = 0;
    for (int64_t d = 0; d < t.dim(); ++d) offset += index[d] * t.strides()[d];
    offsets.push_back(offset);
    for (int64_t d = t.dim() - 1; d >= 0 && ++index[d] == t.shape()[d]; --d) index[d] = 0;
  }
  return offsets;
}

std::string index_str(const Shape& shape, int64_t linear) {
  Shape index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = linear % shape[d];
    linear /= shape[d];
  }
  return shape_str(index);
}

}  // namespace

GradcheckResult gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    check(inputs[k].dtype() == DType::Float64, "gradcheck", "input ", k, " is ", dtype_name(inputs[k].dtype()),
          "; finite differences need float64 inputs");
    check(inputs[k].is_leaf(), "gradcheck", "input ", k, " must be a leaf tensor (use detach())");
    for (int64_t s : inputs[k].strides())
      check(s != 0, "gradcheck", "input ", k, " is an expanded view (stride 0); pass a dense tensor");
  }
  std::vector<Tensor> leaves;
  for (const Tensor& input : inputs) {
    Tensor leaf = input.detach();
    leaf.set_requires_grad(true);
    leaves.push_back(leaf);
  }

  // Analytic pass: L = Σ w ⊙ f(x), backward.
  const Tensor output = f(leaves);
  check(output.dtype() == DType::Float64, "gradcheck", "the function returned ", dtype_name(output.dtype()),
        ", expected float64");
  Generator gen(options.seed);
  const Tensor w = Tensor::normal(output.shape(), 0.0, 1.0, gen, DType::Float64).to(output.device());
  const Tensor loss = sum(output * w);
  if (loss.requires_grad()) loss.backward();

  // L at the current input values, without recording.
  auto projected = [&]() {
    NoGradGuard no_grad;
    return sum(f(leaves) * w).item();
  };

  GradcheckResult result;
  double worst_ratio = -1;
  for (size_t k = 0; k < leaves.size(); ++k) {
    const Tensor analytic_grad = leaves[k].grad().defined() ? leaves[k].grad() : Tensor::zeros(leaves[k].shape(), DType::Float64);
    const std::vector<double> analytic = analytic_grad.to_vector<double>();
    const std::vector<int64_t> offsets = element_offsets(leaves[k]);
    // Each element is perturbed through a 0-d view of its storage, written by the device's
    // backend, so the check runs on any device.
    const Tensor base = leaves[k].detach();
    auto set = [](Tensor& element, double value) {
      NoGradGuard no_grad;
      fill_(element, value);
    };
    for (size_t i = 0; i < offsets.size(); ++i) {
      Tensor element = make_view(base, {}, {}, base.offset() + offsets[i]);
      const double original = element.item();
      set(element, original + options.step);
      const double plus = projected();
      set(element, original - options.step);
      const double minus = projected();
      set(element, original);
      const double numeric = (plus - minus) / (2 * options.step);

      const double abs_error = std::abs(analytic[i] - numeric);
      const double rel_error = abs_error / std::max({std::abs(analytic[i]), std::abs(numeric), 1e-12});
      const double tolerance = options.atol + options.rtol * std::abs(numeric);
      result.max_abs_error = std::max(result.max_abs_error, abs_error);
      result.max_rel_error = std::max(result.max_rel_error, rel_error);
      if (!(abs_error <= tolerance)) result.passed = false;  // also catches NaN
      const double ratio = std::isnan(abs_error) ? INFINITY : abs_error / tolerance;
      if (ratio > worst_ratio) {
        worst_ratio = ratio;
        std::ostringstream where;
        where.precision(10);
        where << "input " << k << " " << index_str(leaves[k].shape(), static_cast<int64_t>(i)) << ": analytic "
              << analytic[i] << ", numeric " << numeric;
        result.worst = where.str();
      }
      ++result.elements_checked;
    }
  }
  return result;
}

}  // namespace fw
