#pragma once
// The boundary between what an op computes and where: ops (framework/ops, optim, nn) check their
// arguments, allocate outputs on their inputs' device, record the autograd node, and hand every
// computation to the Backend of that device, found with backend(device) (framework/devices).
// A Backend implements every kernel shape below for its device; the CPU one lives in
// framework/cpu, a CUDA one would live in framework/cuda. Nothing above this interface knows
// which device it runs on.
//
// Conventions for every method: all tensors are on this backend's device; outputs are given
// allocated (dense unless said otherwise) or are returned freshly allocated on the device;
// inputs may have any layout (strides, broadcast views) unless said otherwise; float32 and
// float64 are the floating dtypes. `supports(kernel, dtype)` tells whether a combination exists,
// so that a caller (or a test) can ask before calling.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "framework/backend/cross_attention_options.h"
#include "framework/backend/elementwise_ops.h"
#include "framework/backend/gru_geometry.h"
#include "framework/backend/reduction_plan.h"
#include "framework/core/tensor.h"

namespace fw {

class Generator;

// Every kernel shape of the interface, for supports().
enum class Kernel : uint8_t {
  Copy, Fill, RandomUniform, RandomNormal,
  Elementwise, Where,
  Reduce, MaxWithIndex, OneHot, Softmax, LogSumExp, SumOfSquares,
  IndexGather, IndexScatterAdd,
  Gemm,
  SgdUpdate, AdamUpdate,
  Gru, CrossAttention,
};
const char* kernel_name(Kernel kernel);

enum class ReduceOp : uint8_t {
  Sum,     // Σ, accumulated in double
  Mean,    // Σ / count, accumulated in double (0/0 = nan for an empty reduction)
  L2Norm,  // sqrt(Σ x²), accumulated in the tensor's own type
};

// One SGD step on one parameter (optim/sgd.h has the formula).
struct SgdStep {
  double lr = 0, momentum = 0, dampening = 0, weight_decay = 0;
  bool first = false;  // the momentum buffer is created by this step
};
// One Adam step on one parameter (optim/adam.h has the formula).
struct AdamStep {
  double beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  double step_size = 0, bias_correction2_sqrt = 0;
};

// What a cross attention forward keeps for its backward; each backend defines its own.
struct CrossAttentionSaved {
  virtual ~CrossAttentionSaved() = default;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // The whole catalogue, which every backend implements so far: every kernel for the floating
  // dtypes; copy, fill, where (by the condition's dtype) and gather for every dtype. A backend
  // that lacks a combination overrides this.
  virtual bool supports(Kernel kernel, DType dtype) const;

  // ---- copies and fills ------------------------------------------------------------------
  // dst (any layout) = src broadcast to dst's shape, converting the element type.
  virtual void copy(Tensor& dst, const Tensor& src) = 0;
  // Bytes between host memory and a dense tensor of this device (dst/src hold numel elements).
  virtual void copy_from_host(Tensor& dst, const void* src) = 0;
  virtual void copy_to_host(void* dst, const Tensor& src) = 0;
  virtual void fill(Tensor& t, double value) = 0;  // any layout
  // Dense t filled in row-major order from the host generator's stream (uniform in [low, high)
  // or normal), so the same seed gives the same numbers on every device.
  virtual void fill_uniform(Tensor& t, double low, double high, Generator& gen) = 0;
  virtual void fill_normal(Tensor& t, double mean, double stddev, Generator& gen) = 0;

  // ---- elementwise -----------------------------------------------------------------------
  // out (dense) = ElementwiseFn<op>{scalar}(inputs...) with the inputs broadcast to out's shape;
  // out may be one of the inputs (in place). inputs.size() == elementwise_arity(op).
  virtual void elementwise(ElementwiseOp op, Tensor& out, std::span<const Tensor> inputs, double scalar = 0) = 0;
  // out (dense) = cond != 0 ? a : b, broadcast; cond of any dtype.
  virtual void where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) = 0;

  // ---- reductions over a plan (reduction_plan.h); results are shaped plan.keep_shape ------
  virtual Tensor reduce(ReduceOp op, const Tensor& x, const ReductionPlan& plan) = 0;
  // Values and int64 indices of the first maximum (NaN counts as the largest); plan.reduced >= 1.
  virtual std::pair<Tensor, Tensor> max_with_index(const Tensor& x, const ReductionPlan& plan) = 0;
  // A tensor of `shape` holding 1 where max_with_index found the maximum, 0 elsewhere.
  virtual Tensor one_hot(const Tensor& indices, const ReductionPlan& plan, const Shape& shape, DType dtype) = 0;
  virtual Tensor softmax(const Tensor& x, const ReductionPlan& plan) = 0;    // x's shape
  virtual Tensor logsumexp(const Tensor& x, const ReductionPlan& plan) = 0;  // stable (max subtracted)
  // Σ x² over a dense tensor, in double, in a fixed order (gradient clipping).
  virtual double sum_of_squares(const Tensor& x) = 0;

  // ---- indexing (indices already checked to be in range) ---------------------------------
  // out[o, i, :] = x[o, index[i], :] along `dim`.
  virtual Tensor index_gather(const Tensor& x, int64_t dim, const std::vector<int64_t>& index) = 0;
  // The adjoint: zeros(shape) with grad[o, i, :] added at [o, index[i], :], in increasing i.
  virtual Tensor index_scatter_add(const Tensor& grad, int64_t dim, const std::vector<int64_t>& index,
                                   const Shape& shape) = 0;

  // ---- products --------------------------------------------------------------------------
  // out (dense [m, n] or [batch, m, n]) = a b for 2-D or 3-D a, b; a batch of 1 (or a 2-D
  // operand) is broadcast over the batch. Shapes already checked.
  virtual void matmul(Tensor& out, const Tensor& a, const Tensor& b) = 0;

  // ---- optimiser updates on dense tensors, in place --------------------------------------
  virtual void sgd_update(Tensor& param, const Tensor& grad, Tensor* momentum_buffer, const SgdStep& step) = 0;
  virtual void adam_update(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                           const AdamStep& step) = 0;

  // ---- independent pieces of work ---------------------------------------------------------
  // Runs task(0) ... task(n - 1), which must not write the same memory, concurrently where the
  // device gains from it, else in order (the default). Each task gives the same result either way.
  // Every task runs; then the first exception, in task order, is passed on. A task may run on
  // another thread, where grad mode (autograd/grad_mode.h, per thread) is on: tasks call kernels,
  // not recording ops.
  virtual void run_independent(int64_t n, const std::function<void(int64_t)>& task);

  // ---- fused layers ----------------------------------------------------------------------
  // One direction of one GRU layer (gru_geometry.h): x [B, T, input] dense; the weights dense;
  // writes output[b, t, offset .. offset + H) (output [B, T, width] dense), h_n [B, H] and what
  // the backward reads (gates [steps, B, 4H], states [steps, B, H]).
  virtual void gru_forward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                           const Tensor& b_ih, const Tensor& b_hh, Tensor& output, int64_t offset, Tensor& h_n,
                           Tensor& gates, Tensor& states) = 0;
  // Its backward: d_output, d_h_n dense; writes d_x (+= when given, else skipped) and the four
  // weight gradients (written).
  virtual void gru_backward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                            const Tensor& gates, const Tensor& states, const Tensor& d_output, int64_t offset,
                            const Tensor& d_h_n, Tensor* d_x, Tensor& d_w_ih, Tensor& d_w_hh, Tensor& d_b_ih,
                            Tensor& d_b_hh) = 0;
  // SCAN's cross attention (ops/cross_attention.h), arguments already checked: the scores
  // [n_img, n_cap] and what the backward needs. for_backward: the op is recorded and its backward
  // will run, so the backend may keep what saves recomputing (the CPU keeps every pair's attention).
  virtual Tensor cross_attention_forward(const Tensor& images, const Tensor& captions,
                                         const std::vector<int64_t>& cap_lens, const CrossAttentionOptions& options,
                                         bool for_backward, std::shared_ptr<CrossAttentionSaved>& saved) = 0;
  virtual std::pair<Tensor, Tensor> cross_attention_backward(const CrossAttentionSaved& saved,
                                                             const Tensor& grad_scores) = 0;
  virtual Tensor cross_attention_weights(const Tensor& images, const Tensor& captions,
                                         const std::vector<int64_t>& cap_lens,
                                         const CrossAttentionOptions& options) = 0;
};

}  // namespace fw
