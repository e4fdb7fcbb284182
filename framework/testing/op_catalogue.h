#pragma once
// The op catalogue: one declarative list of test cases for every differentiable op and layer.
// `scan gradcheck`, the doctest suite and the benchmarks iterate over the same list, so adding
// an op means adding its cases here once (see docs/architecture.md, "Adding an op").
#include <functional>
#include <string>
#include <vector>

#include "framework/testing/gradcheck.h"
#include "framework/core/random.h"
#include "framework/core/tensor.h"

namespace fw::testing {

// How an input is laid out in memory, so that ops are checked on views as well as dense data.
enum class Layout {
  Contiguous,
  Transposed,  // dense data of the shape with the last two dims swapped, seen through transpose()
  Strided,     // every other element of a buffer twice as long in the last dim (narrowed view)
};

struct InputSpec {
  Shape shape;
  Layout layout = Layout::Contiguous;
  double low = -1.0, high = 1.0;  // uniform range of the values
  // Keep |x| at least this far from zero (for log, sqrt, abs, division, kinks at 0).
  double min_magnitude = 0.0;
};

struct OpCase {
  std::string name;    // "family/op/variant", e.g. "elementwise/mul/broadcast"
  std::vector<InputSpec> inputs;
  TensorFunction fn;   // must work for float32 and float64 inputs
  GradcheckOptions options = {};
};

// Every case, in a fixed order.
const std::vector<OpCase>& op_catalogue();

// A random input following `spec`, with the requested dtype and layout.
Tensor make_input(const InputSpec& spec, Generator& gen, DType dtype, Device device = Device::cpu());

// Runs gradcheck on one case with float64 inputs drawn from a generator seeded by `seed`.
GradcheckResult run_gradcheck(const OpCase& c, uint64_t seed = 1, Device device = Device::cpu());

// "[2, 3] x [3]" for reports.
std::string describe_inputs(const OpCase& c);

// Per-family registration; each lives next to the cases it adds (catalogue_<family>.cpp).
void add_elementwise_cases(std::vector<OpCase>& cases);
void add_view_cases(std::vector<OpCase>& cases);
void add_unary_cases(std::vector<OpCase>& cases);
void add_reduce_cases(std::vector<OpCase>& cases);
void add_linalg_cases(std::vector<OpCase>& cases);
void add_indexing_cases(std::vector<OpCase>& cases);
void add_normalization_cases(std::vector<OpCase>& cases);
void add_cross_attention_cases(std::vector<OpCase>& cases);
void add_layer_cases(std::vector<OpCase>& cases);
void add_gru_cases(std::vector<OpCase>& cases);

}  // namespace fw::testing
