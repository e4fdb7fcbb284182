#pragma once
// The CUDA backend: the Backend interface (backend/backend.h) on an NVIDIA GPU, with cuBLAS for
// the products and kernels of this folder for the rest. Built only where CMake finds nvcc and cuBLAS
// (FW_CUDA, see CMakeLists.txt); FW_HAS_CUDA is then defined for the whole framework.
//
// Every kernel runs on the stream of runtime.h in launch order, so results come in program order
// without explicit synchronisation; a copy to the host waits for them. Every kernel is
// deterministic (no atomics whose order changes a result): the same inputs give the same bits,
// run after run. The methods are defined one family per file:
//   cuda_backend.cpp        host transfers, random fills (drawn on the host)
//   elementwise.cpp/.cu     copy, fill, elementwise, where, the optimiser updates
//   reduce.cpp/.cu          reductions, max, one_hot, softmax, logsumexp, sum of squares, indexing
//   matmul.cpp              cuBLAS products
//   gru.cpp/.cu             one GRU direction, forward and backward
//   cross_attention.cpp/.cu SCAN's cross attention
#include "framework/backend/backend.h"

namespace fw::cuda {

class CudaBackend : public Backend {
 public:
  std::string name() const override { return "cuda"; }

  void copy(Tensor& dst, const Tensor& src) override;
  void copy_from_host(Tensor& dst, const void* src) override;
  void copy_to_host(void* dst, const Tensor& src) override;
  void fill(Tensor& t, double value) override;
  void fill_uniform(Tensor& t, double low, double high, Generator& gen) override;
  void fill_normal(Tensor& t, double mean, double stddev, Generator& gen) override;

  void elementwise(ElementwiseOp op, Tensor& out, std::span<const Tensor> inputs, double scalar) override;
  void where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) override;

  Tensor reduce(ReduceOp op, const Tensor& x, const ReductionPlan& plan) override;
  std::pair<Tensor, Tensor> max_with_index(const Tensor& x, const ReductionPlan& plan) override;
  Tensor one_hot(const Tensor& indices, const ReductionPlan& plan, const Shape& shape, DType dtype) override;
  Tensor softmax(const Tensor& x, const ReductionPlan& plan) override;
  Tensor logsumexp(const Tensor& x, const ReductionPlan& plan) override;
  double sum_of_squares(const Tensor& x) override;

  Tensor index_gather(const Tensor& x, int64_t dim, const std::vector<int64_t>& index) override;
  Tensor index_scatter_add(const Tensor& grad, int64_t dim, const std::vector<int64_t>& index,
                           const Shape& shape) override;

  void matmul(Tensor& out, const Tensor& a, const Tensor& b) override;

  void sgd_update(Tensor& param, const Tensor& grad, Tensor* momentum_buffer, const SgdStep& step) override;
  void adam_update(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                   const AdamStep& step) override;

  void gru_forward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                   const Tensor& b_hh, Tensor& output, int64_t offset, Tensor& h_n, Tensor& gates,
                   Tensor& states) override;
  void gru_backward(const GruGeometry& g, const Tensor& x, const Tensor& w_ih, const Tensor& w_hh,
                    const Tensor& gates, const Tensor& states, const Tensor& d_output, int64_t offset,
                    const Tensor& d_h_n, Tensor* d_x, Tensor& d_w_ih, Tensor& d_w_hh, Tensor& d_b_ih,
                    Tensor& d_b_hh) override;

  Tensor cross_attention_forward(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                                 const CrossAttentionOptions& options, bool for_backward,
                                 std::shared_ptr<CrossAttentionSaved>& saved) override;
  std::pair<Tensor, Tensor> cross_attention_backward(const CrossAttentionSaved& saved,
                                                     const Tensor& grad_scores) override;
  Tensor cross_attention_weights(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                                 const CrossAttentionOptions& options) override;
};

// The one CUDA backend of the process (it serves every cuda:N; each call works on its tensors'
// device). Registers the CUDA allocator on first use.
CudaBackend& cuda_backend();

}  // namespace fw::cuda
