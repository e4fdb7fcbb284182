// The CPU backend's copies, fills, elementwise kernels, reductions, indexing, products,
// optimiser updates and GRU (the cross attention is in cross_attention_backend.cpp).
#include "framework/cpu/cpu_backend.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/cpu/gemm.h"
#include "framework/cpu/gru_kernel.h"
#include "framework/cpu/index_kernel.h"
#include "framework/cpu/max_kernel.h"
#include "framework/cpu/reduce_kernel.h"
#include "framework/cpu/softmax_kernel.h"
#include "framework/cpu/strided_loop.h"
#include "framework/cpu/where_kernel.h"

namespace fw::cpu {

CpuBackend& cpu_backend() {
  static CpuBackend* backend = new CpuBackend;  // never destroyed (tensors in statics may outlive it)
  return *backend;
}

// ---- copies and fills ------------------------------------------------------------------------

void CpuBackend::copy(Tensor& dst, const Tensor& src) { copy_into(dst, src); }

void CpuBackend::copy_from_host(Tensor& dst, const void* src) {
  if (dst.numel() == 0) return;
  check(dst.is_contiguous(), "copy_from_host", "the destination must be dense");
  std::memcpy(static_cast<char*>(dst.storage()->data()) + dst.offset() * dtype_size(dst.dtype()), src,
                dst.numel() * dtype_size(dst.dtype()));
}

void CpuBackend::copy_to_host(void* dst, const Tensor& src) {
  if (src.numel() == 0) return;
  check(src.is_contiguous(), "copy_to_host", "the source must be dense");
  std::memcpy(dst, static_cast<const char*>(src.storage()->data()) + src.offset() * dtype_size(src.dtype()),
                src.numel() * dtype_size(src.dtype()));
}

void CpuBackend::fill(Tensor& t, double value) { cpu::fill(t, value); }

void CpuBackend::fill_uniform(Tensor& t, double low, double high, Generator& gen) {
  dispatch_floating(t.dtype(), "uniform", [&]<typename T>() {
    T* data = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) data[i] = static_cast<T>(gen.uniform(low, high));
  });
}

void CpuBackend::fill_normal(Tensor& t, double mean, double stddev, Generator& gen) {
  dispatch_floating(t.dtype(), "normal", [&]<typename T>() {
    T* data = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) data[i] = static_cast<T>(mean + stddev * gen.normal());
  });
}

// ---- elementwise -----------------------------------------------------------------------------

void CpuBackend::elementwise(ElementwiseOp op, Tensor& out, std::span<const Tensor> inputs, double scalar) {
  visit_elementwise(op, [&]<ElementwiseOp Op>() {
    using Fn = ElementwiseFn<Op>;
    constexpr size_t N = Fn::arity;
    check(inputs.size() == N, "elementwise", Fn::name, " takes ", N, " inputs, got ", inputs.size());
    std::array<Tensor, N> in;
    std::copy(inputs.begin(), inputs.end(), in.begin());
    Fn fn;
    fn.s = scalar;
    dispatch_floating(out.dtype(), Fn::name, [&]<typename T>() { map_elements<T, T, N>(out, in, fn); });
  });
}

void CpuBackend::where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  dispatch_floating(out.dtype(), "where", [&]<typename T>() { select_where<T>(out, cond, a, b); });
}

// ---- reductions ------------------------------------------------------------------------------

Tensor CpuBackend::reduce(ReduceOp op, const Tensor& x, const ReductionPlan& plan) {
  return dispatch_floating(x.dtype(), "reduce", [&]<typename T>() {
    switch (op) {
      case ReduceOp::Sum:
        return cpu::reduce<T>(x, plan, 0.0, [](double acc, T v) { return acc + v; },
                              [](double acc, int64_t) { return acc; });
      case ReduceOp::Mean:
        return cpu::reduce<T>(x, plan, 0.0, [](double acc, T v) { return acc + v; },
                              [](double acc, int64_t count) { return acc / static_cast<double>(count); });
      case ReduceOp::L2Norm:
        break;
    }
    return cpu::reduce<T>(
        x, plan, T(0), [](T acc, T v) { return acc + v * v; }, [](T acc, int64_t) { return std::sqrt(acc); });
  });
}

std::pair<Tensor, Tensor> CpuBackend::max_with_index(const Tensor& x, const ReductionPlan& plan) {
  return dispatch_floating(x.dtype(), "max", [&]<typename T>() { return cpu::max_with_index<T>(x, plan); });
}

Tensor CpuBackend::one_hot(const Tensor& indices, const ReductionPlan& plan, const Shape& shape, DType dtype) {
  return one_hot_along(indices, plan, shape, dtype);
}

Tensor CpuBackend::softmax(const Tensor& x, const ReductionPlan& plan) {
  return dispatch_floating(x.dtype(), "softmax", [&]<typename T>() { return softmax_along<T>(x, plan); });
}

Tensor CpuBackend::logsumexp(const Tensor& x, const ReductionPlan& plan) {
  return dispatch_floating(x.dtype(), "logsumexp", [&]<typename T>() { return logsumexp_along<T>(x, plan); });
}

double CpuBackend::sum_of_squares(const Tensor& x) {
  // Fixed-size blocks summed in parallel, then the block sums added in block order (the same
  // order whatever the thread count).
  return dispatch_floating(x.dtype(), "sum_of_squares", [&]<typename T>() {
    const T* data = x.data<T>();
    const int64_t n = x.numel();
    constexpr int64_t kBlock = 16384;
    const int64_t blocks = (n + kBlock - 1) / kBlock;
    std::vector<double> partial(blocks, 0.0);
    parallel_for(blocks, 4, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        double s = 0.0;
        for (int64_t i = b * kBlock, stop = std::min(n, i + kBlock); i < stop; ++i)
          s += double(data[i]) * double(data[i]);
        partial[b] = s;
      }
    });
    double total = 0.0;
    for (double s : partial) total += s;
    return total;
  });
}

// ---- indexing --------------------------------------------------------------------------------

Tensor CpuBackend::index_gather(const Tensor& x, int64_t dim, const std::vector<int64_t>& index) {
  return cpu::index_gather(x, dim, index);
}

Tensor CpuBackend::index_scatter_add(const Tensor& grad, int64_t dim, const std::vector<int64_t>& index,
                                     const Shape& shape) {
  return cpu::index_scatter_add(grad, dim, index, shape);
}

// ---- products --------------------------------------------------------------------------------

void CpuBackend::matmul(Tensor& out, const Tensor& a, const Tensor& b) {
  dispatch_floating(a.dtype(), "matmul", [&]<typename T>() {
    const PreparedOperand<T> pa = prepare_operand<T>(*this, a), pb = prepare_operand<T>(*this, b);
    const int64_t batch = out.dim() == 3 ? out.shape()[0] : 1;
    batched_gemm<T>(batch, a.size(-2), b.size(-1), a.size(-1), pa.gemm, pb.gemm, out.data<T>());
  });
}

// ---- optimiser updates -----------------------------------------------------------------------

void CpuBackend::sgd_update(Tensor& param, const Tensor& grad, Tensor* momentum_buffer, const SgdStep& o) {
  dispatch_floating(param.dtype(), "SGD", [&]<typename T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* buf = momentum_buffer ? momentum_buffer->data<T>() : nullptr;
    const T decay = T(o.weight_decay), momentum = T(o.momentum), undamped = T(1.0 - o.dampening), rate = T(o.lr);
    const bool decays = o.weight_decay != 0.0, first = o.first;
    parallel_for(param.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        T d = decays ? g[i] + decay * p[i] : g[i];
        if (buf) {
          buf[i] = first ? d : momentum * buf[i] + undamped * d;
          d = buf[i];
        }
        p[i] -= rate * d;
      }
    });
  });
}

void CpuBackend::adam_update(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                             const AdamStep& o) {
  dispatch_floating(param.dtype(), "Adam", [&]<typename T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* m = exp_avg.data<T>();
    T* v = exp_avg_sq.data<T>();
    const T beta1 = T(o.beta1), one_minus_beta1 = T(1.0 - o.beta1);
    const T beta2 = T(o.beta2), one_minus_beta2 = T(1.0 - o.beta2);
    const T eps = T(o.eps), decay = T(o.weight_decay), size = T(o.step_size), bc2 = T(o.bias_correction2_sqrt);
    const bool decays = o.weight_decay != 0.0;
    // Every element is independent, so the result does not depend on the thread count.
    parallel_for(param.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const T gi = decays ? g[i] + decay * p[i] : g[i];
        m[i] = beta1 * m[i] + one_minus_beta1 * gi;
        v[i] = beta2 * v[i] + one_minus_beta2 * gi * gi;
        const T denom = std::sqrt(v[i]) / bc2 + eps;
        p[i] -= size * (m[i] / denom);
      }
    });
  });
}

// ---- GRU -------------------------------------------------------------------------------------

void CpuBackend::gru_forward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                             const Tensor& b_ih, const Tensor& b_hh, Tensor& output, int64_t offset, Tensor& h_n,
                             Tensor& gates, Tensor& states) {
  dispatch_floating(x.dtype(), "gru", [&]<typename T>() {
    gru_direction_forward<T>(g, x.data<T>(), w_ih.data<T>(), w_hh.data<T>(), b_ih.data<T>(), b_hh.data<T>(),
                             output.data<T>(), output.size(-1), offset, h_n.data<T>(), gates.data<T>(),
                             states.data<T>());
  });
}

void CpuBackend::gru_backward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                              const Tensor& gates, const Tensor& states, const Tensor& d_output, int64_t offset,
                              const Tensor& d_h_n, Tensor* d_x, Tensor& d_w_ih, Tensor& d_w_hh, Tensor& d_b_ih,
                              Tensor& d_b_hh) {
  dispatch_floating(x.dtype(), "gru_backward", [&]<typename T>() {
    gru_direction_backward<T>(g, x.data<T>(), w_ih.data<T>(), w_hh.data<T>(), gates.data<T>(), states.data<T>(),
                              d_output.data<T>(), d_output.size(-1), offset, d_h_n.data<T>(),
                              d_x ? d_x->data<T>() : nullptr, d_w_ih.data<T>(), d_w_hh.data<T>(),
                              d_b_ih.data<T>(), d_b_hh.data<T>());
  });
}

}  // namespace fw::cpu
