// The CUDA backend's GRU: one direction of one layer, forward and backward, the algorithm of
// cpu/gru_kernel.cpp on the device. The products run on cuBLAS (gemm.h): the input projections
// of every valid position in one GEMM, then per step the active rows' recurrent GEMM and the cell
// kernel (gru.cu). Layouts (as the CPU's; "row i" of the state is sequence order[i]):
//   gates  [S, B, 4H]  (s, i): r, z, n, hn = W_hn h + b_hn, for i < active(s)
//   states [S, B, H]   (s, i): h before step s (row 0 all zeros)
//   tokens (b, t), t < lengths[b], are row first[b] + t (first[b] = Σ_{b' < b} lengths[b']) of the
//   packed [tokens, ·] matrices; without padding that is x's own row b·T + t and nothing is copied.
#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "framework/core/error.h"
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/gemm.h"
#include "framework/cuda/gru_kernels.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

namespace {

// What a call needs on both sides: the per-step row counts (host) and the per-sequence tables
// (device; `tables` keeps them alive: int64 [3, B] = order, lengths, first).
struct GruPlan {
  std::vector<int64_t> active;  // [steps]: the rows active at step s
  int64_t tokens = 0;           // valid positions, Σ lengths
  bool padded = false;          // some sequence is shorter than T: token rows are packed
  bool uneven = false;          // some sequence is shorter than the longest: rows finish early
  Tensor tables;
  GruTables device;
};

GruPlan make_plan(const GruGeometry& g, Device device, const char* op) {
  const int64_t B = g.batch;
  GruPlan plan;
  std::vector<int64_t> host(static_cast<std::size_t>(3 * B));
  for (int64_t b = 0; b < B; ++b) {
    host[b] = g.order[b];
    host[B + b] = g.lengths[b];
    host[2 * B + b] = plan.tokens;
    plan.tokens += g.lengths[b];
  }
  plan.padded = plan.tokens != B * g.time;
  for (int64_t s = 0; s < g.steps; ++s) plan.active.push_back(g.active(s));
  plan.uneven = g.steps > 0 && plan.active.back() < B;
  plan.tables = Tensor::empty({3 * B}, DType::Int64, device);
  // From pageable memory: returns once `host` has been read.
  check_cuda(cudaMemcpyAsync(address(plan.tables), host.data(), host.size() * sizeof(int64_t), cudaMemcpyHostToDevice,
                             stream()),
             "cudaMemcpyAsync", op);
  const int64_t* base = address_as<const int64_t>(plan.tables);
  plan.device = {base, base + B, base + 2 * B};
  return plan;
}

// A temporary device buffer of n elements (at least one, so that its address is a real one).
Tensor scratch(int64_t n, DType dtype, Device device) {
  return Tensor::empty({std::max<int64_t>(n, 1)}, dtype, device);
}

void check_dense(const char* op, std::initializer_list<std::pair<const char*, const Tensor*>> tensors) {
  for (const auto& [name, t] : tensors) check(t->is_contiguous(), op, name, " must be dense");
}

// Row-major operands for gemm.h: A as stored, or the transpose of what is stored.
template <typename T>
GemmOperand<T> plain(const T* data, int64_t ld) {
  return {data, {false, ld}, 0};
}
template <typename T>
GemmOperand<T> transposed(const T* data, int64_t ld) {
  return {data, {true, ld}, 0};
}

// x's valid rows packed [tokens, input] into `buffer` (x itself when nothing is padded).
template <typename T>
const T* token_rows(const GruGeometry& g, const GruPlan& plan, const Tensor& x, Tensor& buffer, const char* op) {
  if (!plan.padded) return address_as<const T>(x);
  buffer = scratch(plan.tokens * g.input, x.dtype(), x.device());
  gru_pack_tokens<T>(plan.device, g.batch, g.time, g.input, address_as<const T>(x), address_as<T>(buffer), op);
  return address_as<const T>(buffer);
}

template <typename T>
void zero(T* data, int64_t n, const char* op) {
  if (n > 0)
    check_cuda(cudaMemsetAsync(data, 0, static_cast<size_t>(n) * sizeof(T), stream()), "cudaMemsetAsync", op);
}

}  // namespace

void CudaBackend::gru_forward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                              const Tensor& b_ih, const Tensor& b_hh, Tensor& output, int64_t offset, Tensor& h_n,
                              Tensor& gates, Tensor& states) {
  DeviceGuard guard(x.device());
  dispatch_floating(x.dtype(), "gru", [&]<typename T>() {
    check_dense("gru", {{"x", &x}, {"w_ih", &w_ih}, {"w_hh", &w_hh}, {"b_ih", &b_ih}, {"b_hh", &b_hh},
                        {"output", &output}, {"h_n", &h_n}, {"gates", &gates}, {"states", &states}});
    const int64_t B = g.batch, H = g.hidden;
    const GruPlan plan = make_plan(g, x.device(), "gru");
    T* state = address_as<T>(states);
    // states row (0, ·) is the zero initial state. With uneven lengths, the rows of finished
    // sequences are never written (the backward does not read them): zeroed too, so that nothing
    // is left undefined.
    zero(state, plan.uneven ? states.numel() : B * H, "gru");
    if (plan.uneven) zero(address_as<T>(gates), gates.numel(), "gru");

    // Input projections of every valid position in one GEMM: xp = x W_ihᵀ, [tokens, 3H]
    // (b_ih is added in the cell, as the CPU adds it after its GEMM).
    Tensor packed;
    const T* xs = token_rows<T>(g, plan, x, packed, "gru");
    Tensor xp = scratch(plan.tokens * 3 * H, x.dtype(), x.device());
    gemm<T>("gru", plan.tokens, 3 * H, g.input, plain(xs, g.input), transposed(address_as<const T>(w_ih), g.input),
            T(0), address_as<T>(xp), 3 * H);

    Tensor hp = scratch(B * 3 * H, x.dtype(), x.device());  // W_hh h of the active rows, [active, 3H]
    GruCellForward<T> cell{address_as<const T>(xp), address_as<const T>(b_ih), address_as<const T>(hp),
                           address_as<const T>(b_hh), state, address_as<T>(output), output.size(-1), offset,
                           address_as<T>(h_n), address_as<T>(gates)};
    for (int64_t s = 0; s < g.steps; ++s) {
      const int64_t active = plan.active[s];
      gemm<T>("gru", active, 3 * H, H, plain<T>(state + s * B * H, H), transposed(address_as<const T>(w_hh), H), T(0),
              address_as<T>(hp), 3 * H);
      const GruStep step{s, active, B, g.time, H, g.reverse, s + 1 == g.steps};
      gru_cell_forward<T>(plan.device, step, cell);
    }
  });
}

void CudaBackend::gru_backward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                               const Tensor& gates, const Tensor& states, const Tensor& d_output, int64_t offset,
                               const Tensor& d_h_n, Tensor* d_x, Tensor& d_w_ih, Tensor& d_w_hh, Tensor& d_b_ih,
                               Tensor& d_b_hh) {
  DeviceGuard guard(x.device());
  dispatch_floating(x.dtype(), "gru_backward", [&]<typename T>() {
    const char* op = "gru_backward";
    check_dense(op, {{"x", &x}, {"w_ih", &w_ih}, {"w_hh", &w_hh}, {"gates", &gates}, {"states", &states},
                     {"d_output", &d_output}, {"d_h_n", &d_h_n}, {"d_w_ih", &d_w_ih}, {"d_w_hh", &d_w_hh},
                     {"d_b_ih", &d_b_ih}, {"d_b_hh", &d_b_hh}});
    if (d_x) check_dense(op, {{"d_x", d_x}});
    const int64_t B = g.batch, H = g.hidden;
    const GruPlan plan = make_plan(g, x.device(), op);
    const Device device = x.device();
    const DType dtype = x.dtype();
    // The pre-activation gradients: input side dgx [tokens, 3H] (token rows), recurrent side dgh,
    // which keeps every step's active rows, the steps in the order they are processed (last
    // first), so that dW_hh = Σ_s dgh_sᵀ h_s is one GEMM against h_prev packed the same way.
    std::vector<int64_t> step_row(static_cast<std::size_t>(g.steps) + 1, 0);  // first dgh row of step s
    int64_t rows = 0;
    for (int64_t s = g.steps - 1; s >= 0; --s) {
      step_row[s] = rows;
      rows += plan.active[s];
    }
    step_row[g.steps] = rows;
    const int64_t all_rows = rows, recurrent_rows = all_rows - plan.active[0];  // step 0's h is the constant 0
    Tensor dgx = scratch(plan.tokens * 3 * H, dtype, device), dgh = scratch(all_rows * 3 * H, dtype, device);
    Tensor h_prev_rows = scratch(recurrent_rows * H, dtype, device);
    // ∂L/∂h after the current step, per state row; starts as ∂L/∂h_n.
    Tensor dh = scratch(B * H, dtype, device);
    T* dgh_data = address_as<T>(dgh);
    T* dh_data = address_as<T>(dh);
    const T* state = address_as<const T>(states);
    const T* w_hh_data = address_as<const T>(w_hh);
    gru_gather_rows<T>(plan.device, B, H, address_as<const T>(d_h_n), dh_data, op);
    GruCellBackward<T> cell{address_as<const T>(gates), state, address_as<const T>(d_output), d_output.size(-1),
                            offset, dh_data, address_as<T>(dgx), nullptr};
    for (int64_t s = g.steps - 1; s >= 0; --s) {
      const int64_t active = plan.active[s];
      T* gh_step = dgh_data + step_row[s] * 3 * H;
      cell.dgh = gh_step;
      gru_cell_backward<T>(plan.device, GruStep{s, active, B, g.time, H, g.reverse, s + 1 == g.steps}, cell);
      if (s == 0) break;  // h before step 0 is the constant zero state: no more terms
      check_cuda(cudaMemcpyAsync(address_as<T>(h_prev_rows) + step_row[s] * H, state + s * B * H,
                                 static_cast<size_t>(active * H) * sizeof(T), cudaMemcpyDeviceToDevice, stream()),
                 "cudaMemcpyAsync", op);
      gemm<T>(op, active, H, 3 * H, plain<T>(gh_step, 3 * H), plain(w_hh_data, H), T(1), dh_data, H);  // dh += dgh W_hh
    }
    // Recurrent weights: dW_hh = dghᵀ h_prev over the steps s >= 1 (the first recurrent_rows rows),
    // db_hh = Σ rows of dgh over every step.
    gemm<T>(op, 3 * H, H, recurrent_rows, transposed<T>(dgh_data, 3 * H), plain<T>(address_as<T>(h_prev_rows), H), T(0),
            address_as<T>(d_w_hh), H);
    column_sums<T>(all_rows, 3 * H, dgh_data, address_as<T>(d_b_hh), op);
    // Input side, once for all positions: dW_ih = dgxᵀ x, db_ih = Σ rows of dgx, dx += dgx W_ih.
    const T* dgx_data = address_as<const T>(dgx);
    Tensor packed;
    const T* xs = token_rows<T>(g, plan, x, packed, op);
    gemm<T>(op, 3 * H, g.input, plan.tokens, transposed(dgx_data, 3 * H), plain(xs, g.input), T(0),
            address_as<T>(d_w_ih), g.input);
    column_sums<T>(plan.tokens, 3 * H, dgx_data, address_as<T>(d_b_ih), op);
    if (!d_x) return;
    const GemmOperand<T> w = plain(address_as<const T>(w_ih), g.input);
    if (!plan.padded) {  // token rows are d_x's own rows
      gemm<T>(op, plan.tokens, g.input, 3 * H, plain(dgx_data, 3 * H), w, T(1), address_as<T>(*d_x), g.input);
      return;
    }
    gemm<T>(op, plan.tokens, g.input, 3 * H, plain(dgx_data, 3 * H), w, T(0), address_as<T>(packed), g.input);
    gru_unpack_add<T>(plan.device, B, g.time, g.input, address_as<const T>(packed), address_as<T>(*d_x), op);
  });
}

}  // namespace fw::cuda
