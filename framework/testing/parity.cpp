#include "framework/testing/parity.h"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "framework/core/allocator.h"
#include "framework/core/random.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw::testing {

namespace {

struct Run {
  std::vector<double> output;
  std::vector<std::vector<double>> gradients;
};

// f(inputs) and the gradients of sum(f ⊙ W), every number copied to the host. The inputs are
// made on `device` from the seed, so both sides see the same values in the same layouts.
Run run_case(const OpCase& c, uint64_t seed, const Tensor& cpu_projection, Device device) {
  Generator gen(seed);
  std::vector<Tensor> inputs;
  for (const InputSpec& spec : c.inputs)
    inputs.push_back(make_input(spec, gen, DType::Float32, device).set_requires_grad());
  const Tensor out = c.fn(inputs);
  Run run;
  run.output = out.to_vector<double>();
  sum(out * cpu_projection.to(device)).backward();
  for (const Tensor& input : inputs)
    run.gradients.push_back(input.grad().defined() ? input.grad().to_vector<double>() : std::vector<double>());
  return run;
}

// max over elements of |x − ref| / (atol + rtol |ref|), infinite for a NaN or a size mismatch.
double worst_error(const std::vector<double>& x, const std::vector<double>& ref, const ParityOptions& o,
                   size_t& where) {
  if (x.size() != ref.size()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = std::isnan(x[i]) || std::isnan(ref[i])
                         ? std::numeric_limits<double>::infinity()
                         : std::abs(x[i] - ref[i]) / (o.atol + o.rtol * std::abs(ref[i]));
    if (e > worst || (std::isinf(e) && !std::isinf(worst))) worst = e, where = i;
  }
  return worst;
}

// Poisons the device's fresh allocations while alive.
class Poison {
 public:
  explicit Poison(Device device) : allocator_(allocator(device)) { allocator_.set_poison(true); }
  ~Poison() { allocator_.set_poison(false); }

 private:
  Allocator& allocator_;
};

}  // namespace

ParityResult run_parity(const OpCase& c, Device device, const ParityOptions& options, Backend* substitute) {
  // The output's shape and dtype, from a run on the CPU without gradients, to draw the projection W.
  Generator gen(options.seed);
  std::vector<Tensor> probe_inputs;
  for (const InputSpec& spec : c.inputs) probe_inputs.push_back(make_input(spec, gen, DType::Float32));
  Generator projection_gen(options.seed + 1);
  const Tensor probe = c.fn(probe_inputs);  // a case may end in another dtype (view/to_float32_and_back)
  const Tensor projection = Tensor::uniform(probe.shape(), -1.0, 1.0, projection_gen, probe.dtype());

  const Run reference = run_case(c, options.seed, projection, Device::cpu());
  Run tested;
  {
    std::optional<BackendOverride> override_backend;
    if (substitute) override_backend.emplace(device.kind, *substitute);
    Poison poison(device);
    tested = run_case(c, options.seed, projection, device);
  }

  ParityResult r;
  size_t where = 0;
  r.forward_error = worst_error(tested.output, reference.output, options, where);
  r.worst = "output element " + std::to_string(where);
  r.elements = static_cast<int64_t>(reference.output.size());
  for (size_t k = 0; k < reference.gradients.size(); ++k) {
    size_t at = 0;
    const double e = worst_error(tested.gradients[k], reference.gradients[k], options, at);
    r.elements += static_cast<int64_t>(reference.gradients[k].size());
    if (e > r.gradient_error || (std::isinf(e) && !std::isinf(r.gradient_error))) {
      r.gradient_error = e;
      if (e > r.forward_error) r.worst = "gradient of input " + std::to_string(k) + ", element " + std::to_string(at);
    }
  }
  r.passed = r.forward_error <= 1.0 && r.gradient_error <= 1.0;
  return r;
}

}  // namespace fw::testing
