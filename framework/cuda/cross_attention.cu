// The CUDA backend's fused SCAN cross attention (ops/cross_attention.h has the math; the CPU
// counterpart is cpu/cross_attention_backend.cpp): dense copies of the inputs, cuBLAS products
// shared by all pairs (the raw scores on the real words, the context Gram matrices), one thread
// block per (image, caption) pair for the per-pair math (cross_attention_kernels.h), and the
// hand-written backward with every gradient summed in a fixed order (no atomics).
//
// The pairs are processed in chunks of images [i0, i0 + ni) × all captions, ni chosen so that the
// chunk's scratch stays under kChunkBudgetBytes. Nothing per pair is kept between the forward and
// the backward: the saved state is the detached inputs, and the backward recomputes the products
// and every pair's forward (cheap next to the products).
//
// Memory, in elements of the dtype (T = Σ cap_lens, ctx/qry = context/query entities and rows:
// t2i ctx = (n_img, R), qry = (n_cap, L); i2t the other way round; ni = images per chunk):
//   inputs' dense copies (only when not dense / padded): n_img·R·d + n_cap·L·d (+ T·d when padded)
//   forward:  + n_ctx·crows² (Gram) + n_qry·qrows (norms) + ni·R·T (raw chunk)
//   backward: the forward's, + n_img·R·d + n_cap·L·d (+ T·d when padded) (the gradients)
//             + ni·R·T (d_raw chunk) + ni·n_cap·(crows² + qrows) (per-pair partials)
//             + 2·n_ctx·crows² (dG, dG + dGᵀ) + n_qry·qrows doubles (d‖query‖²)
//   pair blocks: shared memory of (4·ns·ld + ns² + 8·nq) elements each, ld = nq | 1 (nq, ns the
//   largest); where that exceeds the device's limit, 1,024 global slots of that size instead.
#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "framework/core/error.h"
#include "framework/cuda/cross_attention_kernels.h"
#include "framework/cuda/cuda_backend.h"
#include "framework/cuda/runtime.h"

namespace fw::cuda {

// What the backward keeps: the detached inputs as given (any layout; repacked by the backward),
// the lengths and the settings. Recomputing the products and the per-pair forward saves keeping
// n_img·n_cap per-pair intermediates.
struct CudaCrossAttentionSaved final : CrossAttentionSaved {
  Tensor images, captions;
  std::vector<int64_t> cap_lens;
  CrossAttentionOptions options;
};

namespace {

constexpr const char* kForwardOp = "cross_attention_scores";
constexpr const char* kBackwardOp = "cross_attention_backward";
constexpr const char* kWeightsOp = "cross_attention_weights";
constexpr int64_t kChunkBudgetBytes = int64_t(512) << 20;  // the per-chunk scratch of the pairs
constexpr int kGlobalSlots = 1024;                         // pair blocks when the workspace is in global memory
constexpr int kElementThreads = 256;                       // elementwise and reduction kernels

// ---- geometry ------------------------------------------------------------------------------

// Sizes of one call and how a pair maps onto the (query, context) view (as the CPU's Geometry).
// The raw scores have one column per real word: caption c's words are columns
// [offsets[c], offsets[c] + lens[c]).
struct Geometry {
  int64_t n_img = 0, R = 0, n_cap = 0, L = 0, d = 0;
  bool t2i = true;
  std::vector<int64_t> lens, offsets;
  int64_t tokens = 0, max_len = 0;

  bool padded() const { return tokens != n_cap * L; }
  int64_t n_context() const { return t2i ? n_img : n_cap; }
  int64_t n_query() const { return t2i ? n_cap : n_img; }
  int64_t context_rows() const { return t2i ? R : L; }
  int64_t query_rows() const { return t2i ? L : R; }
};

Geometry geometry_of(const Tensor& images, const Tensor& captions, const std::vector<int64_t>& cap_lens,
                     const CrossAttentionOptions& options) {
  Geometry g;
  g.n_img = images.size(0);
  g.R = images.size(1);
  g.d = images.size(2);
  g.n_cap = captions.size(0);
  g.L = captions.size(1);
  g.t2i = options.direction == CrossAttn::T2I;
  g.lens = cap_lens;
  for (const int64_t len : cap_lens) {
    g.offsets.push_back(g.tokens);
    g.tokens += len;
    g.max_len = std::max(g.max_len, len);
  }
  return g;
}

template <typename Real>
xattn::Params<Real> params_of(const CrossAttentionOptions& o) {
  return {o.norm, o.agg, static_cast<Real>(o.lambda_softmax), static_cast<Real>(o.lambda_lse)};
}

int to_int(int64_t value, const char* what, const char* op) {
  check(value <= INT_MAX, op, what, " ", value, " exceeds the range of a cuBLAS dimension");
  return static_cast<int>(value);
}

int blocks_for(int64_t n) {
  return static_cast<int>(std::clamp<int64_t>((n + kElementThreads - 1) / kElementThreads, 1, int64_t(1) << 20));
}

// A host vector of int64 in a fresh device tensor (the copy reads `values` before returning).
Tensor to_device(const std::vector<int64_t>& values, Device device, const char* op) {
  Tensor t = Tensor::empty({static_cast<int64_t>(values.size())}, DType::Int64, device);
  check_cuda(cudaMemcpyAsync(address(t), values.data(), values.size() * sizeof(int64_t), cudaMemcpyHostToDevice,
                             stream()),
             "cudaMemcpyAsync", op);
  return t;
}

// ---- cuBLAS (column-major: a row-major X[r, c] is the column-major Xᵀ with ld c) -------------

cublasStatus_t gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* a, int lda,
                    const float* b, int ldb, float beta, float* c, int ldc) {
  const float one = 1;
  return cublasSgemm(cublas(), ta, tb, m, n, k, &one, a, lda, b, ldb, &beta, c, ldc);
}
cublasStatus_t gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const double* a, int lda,
                    const double* b, int ldb, double beta, double* c, int ldc) {
  const double one = 1;
  return cublasDgemm(cublas(), ta, tb, m, n, k, &one, a, lda, b, ldb, &beta, c, ldc);
}
cublasStatus_t gemm_batched(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* a, int lda,
                            int64_t sa, const float* b, int ldb, int64_t sb, float beta, float* c, int ldc, int64_t sc,
                            int batch) {
  const float one = 1;
  return cublasSgemmStridedBatched(cublas(), ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &beta, c, ldc, sc, batch);
}
cublasStatus_t gemm_batched(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const double* a, int lda,
                            int64_t sa, const double* b, int ldb, int64_t sb, double beta, double* c, int ldc,
                            int64_t sc, int batch) {
  const double one = 1;
  return cublasDgemmStridedBatched(cublas(), ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &beta, c, ldc, sc, batch);
}

// ---- kernels: packing, norms, reductions ---------------------------------------------------

// Grid-stride loops over int64 element indices.
__device__ inline int64_t grid_start() { return blockIdx.x * int64_t(blockDim.x) + threadIdx.x; }
__device__ inline int64_t grid_stride() { return int64_t(gridDim.x) * blockDim.x; }

// dense[b, r, k] = r < len_b ? src[b·s0 + r·s1 + k·s2] : 0, and with `packed`, the real rows
// again at packed[(offsets[b] + r)·d + k]. Without lens every row is real.
template <typename Real>
__global__ void pack_kernel(const Real* src, int64_t s0, int64_t s1, int64_t s2, int64_t n, int64_t rows, int64_t d,
                            const int64_t* lens, const int64_t* offsets, Real* dense, Real* packed) {
  const int64_t total = n * rows * d;
  for (int64_t idx = grid_start(); idx < total; idx += grid_stride()) {
    const int64_t k = idx % d, r = idx / d % rows, b = idx / (d * rows);
    const bool real = lens == nullptr || r < lens[b];
    const Real v = real ? src[b * s0 + r * s1 + k * s2] : Real(0);
    dense[idx] = v;
    if (packed != nullptr && real) packed[(offsets[b] + r) * d + k] = v;
  }
}

// out[row] = Σ_k x[row, k]² in double, one warp per row: lane l sums k ≡ l (mod 32) in ascending
// order, then a fixed butterfly over the lanes, lane 0's total kept (the same bits every run).
template <typename Real>
__global__ void sqnorm_kernel(const Real* x, int64_t rows, int64_t d, Real* out) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  const int64_t warps = int64_t(gridDim.x) * (blockDim.x / 32);
  for (int64_t row = grid_start() / 32; row < rows; row += warps) {
    double sq = 0;
    for (int64_t k = lane; k < d; k += 32) {
      const double v = x[row * d + k];
      sq += v * v;
    }
    for (int offset = 16; offset > 0; offset /= 2) sq += __shfl_xor_sync(0xffffffffu, sq, offset);
    if (lane == 0) out[row] = static_cast<Real>(sq);
  }
}

// out[b, e] = (init ? 0 : out[b, e]) + Σ_{p < n_p} part[b·b_stride + p·p_stride + e], p ascending,
// accumulated in Acc: the per-pair partial gradients summed over the partner axis.
template <typename Real, typename Acc>
__global__ void sum_partials_kernel(const Real* part, int64_t n_b, int64_t elems, int64_t b_stride, int64_t p_stride,
                                    int64_t n_p, bool init, Acc* out) {
  const int64_t total = n_b * elems;
  for (int64_t idx = grid_start(); idx < total; idx += grid_stride()) {
    const int64_t b = idx / elems, e = idx % elems;
    Acc acc = init ? Acc(0) : out[idx];
    for (int64_t p = 0; p < n_p; ++p) acc += static_cast<Acc>(part[b * b_stride + p * p_stride + e]);
    out[idx] = acc;
  }
}

// sym[b, s, t] = dG[b, s, t] + dG[b, t, s].
template <typename Real>
__global__ void symmetrise_kernel(const Real* dg, int64_t n_b, int64_t n, Real* sym) {
  const int64_t total = n_b * n * n;
  for (int64_t idx = grid_start(); idx < total; idx += grid_stride()) {
    const int64_t t = idx % n, s = idx / n % n, base = idx - s * n - t;
    sym[idx] = dg[idx] + dg[base + t * n + s];
  }
}

// dx[row, k] += (Real)(2 d‖x_row‖²) · x[row, k]  (the query rows' norms).
template <typename Real>
__global__ void query_grad_kernel(const double* d_sq, const Real* x, int64_t rows, int64_t d, Real* dx) {
  const int64_t total = rows * d;
  for (int64_t idx = grid_start(); idx < total; idx += grid_stride()) {
    const Real scale = static_cast<Real>(2 * d_sq[idx / d]);
    dx[idx] += scale * x[idx];
  }
}

// d_captions[c, j, k] = j < lens[c] ? d_words[(offsets[c] + j)·d + k] : 0.
template <typename Real>
__global__ void unpack_kernel(const Real* words, int64_t n, int64_t rows, int64_t d, const int64_t* lens,
                              const int64_t* offsets, Real* out) {
  const int64_t total = n * rows * d;
  for (int64_t idx = grid_start(); idx < total; idx += grid_stride()) {
    const int64_t k = idx % d, r = idx / d % rows, b = idx / (d * rows);
    out[idx] = r < lens[b] ? words[(offsets[b] + r) * d + k] : Real(0);
  }
}

// ---- kernels: the pairs --------------------------------------------------------------------

template <typename Real>
__device__ xattn::Workspace<Real> block_workspace(const xattn::Args<Real>& a) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  Real* base =
      a.global_ws != nullptr ? a.global_ws + blockIdx.x * a.layout.size : reinterpret_cast<Real*>(shared_bytes);
  return xattn::workspace(a.layout, base);
}

// Scores (and, with weights, every α [qrows, crows] per pair, zero past the pair's nq × ns).
template <typename Real>
__global__ void __launch_bounds__(xattn::kThreads) pair_forward_kernel(xattn::Args<Real> a) {
  __shared__ xattn::PairScalars<Real> scalars;
  const xattn::Workspace<Real> w = block_workspace(a);
  for (int64_t local = blockIdx.x; local < a.n_pairs; local += gridDim.x) {
    const xattn::PairView p = xattn::pair_view(a, local);
    xattn::pair_forward(a, p, w, scalars);
    const int64_t pair = p.i * a.n_cap + p.c;
    if (a.scores != nullptr && threadIdx.x == 0) a.scores[pair] = scalars.score;
    if (a.weights != nullptr) {
      Real* out = a.weights + pair * a.qrows * a.crows;
      for (int64_t k = threadIdx.x; k < a.qrows * a.crows; k += blockDim.x) {
        const int64_t q = k / a.crows, s = k % a.crows;
        out[k] = q < p.nq && s < p.ns ? w.alpha[s * w.ld + q] : Real(0);
      }
    }
    __syncthreads();  // the workspace is reused by the next pair
  }
}

// Each pair's dA (into the chunk's d_raw), dG and d‖query‖² partials.
template <typename Real>
__global__ void __launch_bounds__(xattn::kThreads) pair_backward_kernel(xattn::Args<Real> a) {
  __shared__ xattn::PairScalars<Real> scalars;
  const xattn::Workspace<Real> w = block_workspace(a);
  for (int64_t local = blockIdx.x; local < a.n_pairs; local += gridDim.x) {
    xattn::pair_backward(a, xattn::pair_view(a, local), w, scalars);
    __syncthreads();
  }
}

// ---- host side -----------------------------------------------------------------------------

// The dense inputs the products read.
struct Inputs {
  Tensor images;    // [n_img, R, d]
  Tensor captions;  // [n_cap, L, d], padded words zero (whatever they held, even inf or nan)
  Tensor words;     // [tokens, d]: the real words, in order (captions itself when unpadded)
  Tensor lens, offsets;  // [n_cap] int64 on the device
};

template <typename Real>
void launch_pack(const Tensor& src, const Tensor* lens, const Tensor* offsets, Tensor& dense, Tensor* packed,
                 const char* op) {
  const int64_t n = src.size(0), rows = src.size(1), d = src.size(2);
  pack_kernel<Real><<<blocks_for(n * rows * d), kElementThreads, 0, stream()>>>(
      address_as<const Real>(src), src.strides()[0], src.strides()[1], src.strides()[2], n, rows, d,
      lens ? address_as<const int64_t>(*lens) : nullptr, offsets ? address_as<const int64_t>(*offsets) : nullptr,
      address_as<Real>(dense), packed ? address_as<Real>(*packed) : nullptr);
  check_launch("pack_kernel", op);
}

template <typename Real>
Inputs prepare_inputs(const Tensor& images, const Tensor& captions, const Geometry& g, const char* op) {
  const Device device = images.device();
  Inputs in;
  in.lens = to_device(g.lens, device, op);
  in.offsets = to_device(g.offsets, device, op);
  in.images = images.detach();
  if (!images.is_contiguous()) {
    in.images = Tensor::empty(images.shape(), images.dtype(), device);
    launch_pack<Real>(images, nullptr, nullptr, in.images, nullptr, op);
  }
  in.captions = captions.detach();
  if (!captions.is_contiguous() || g.padded()) {
    in.captions = Tensor::empty(captions.shape(), captions.dtype(), device);
    if (g.padded()) in.words = Tensor::empty({g.tokens, g.d}, captions.dtype(), device);
    launch_pack<Real>(captions, &in.lens, &in.offsets, in.captions, g.padded() ? &in.words : nullptr, op);
  }
  if (!g.padded()) in.words = in.captions;
  return in;
}

// What every pair reads besides its raw scores: G_b = X_b X_bᵀ for every context entity b (the
// pair kernel symmetrises it from the upper triangle) and ‖query row‖² (summed in double).
struct Products {
  Tensor gram;          // [n_context, crows, crows]
  Tensor query_sqnorm;  // [n_query · qrows]
};

template <typename Real>
Products compute_products(const Inputs& in, const Geometry& g, const char* op) {
  const Device device = in.images.device();
  const DType dtype = in.images.dtype();
  const Tensor& context = g.t2i ? in.images : in.captions;
  const Tensor& query = g.t2i ? in.captions : in.images;
  const int64_t n = g.context_rows();
  Products p;
  p.gram = Tensor::empty({g.n_context(), n, n}, dtype, device);
  // Column-major: C (n × n, ld n) = op(A) op(B) with A = B = X_b stored as the column-major X_bᵀ (d × n).
  const int ni = to_int(n, "context rows", op), di = to_int(g.d, "feature size", op);
  check_cublas(gemm_batched(CUBLAS_OP_T, CUBLAS_OP_N, ni, ni, di, address_as<const Real>(context), di, n * g.d,
                            address_as<const Real>(context), di, n * g.d, Real(0), address_as<Real>(p.gram), ni, n * n,
                            to_int(g.n_context(), "context entities", op)),
               "cublasGemmStridedBatched", op, " (context Gram matrices)");
  const int64_t rows = g.n_query() * g.query_rows();
  p.query_sqnorm = Tensor::empty({rows}, dtype, device);
  sqnorm_kernel<Real><<<blocks_for(rows * 32), kElementThreads, 0, stream()>>>(address_as<const Real>(query), rows, g.d,
                                                                            address_as<Real>(p.query_sqnorm));
  check_launch("sqnorm_kernel", op);
  return p;
}

// raw[(i − i0)·R + r, offsets[c] + j] = v_ir · e_cj for images [i0, i0 + ni): row-major
// raw = V_chunk Wᵀ, i.e. column-major rawᵀ (tokens × ni·R) = W Vᵀ.
template <typename Real>
void raw_scores(const Inputs& in, const Geometry& g, int64_t i0, int64_t ni, Tensor& raw, const char* op) {
  const int di = to_int(g.d, "feature size", op), ti = to_int(g.tokens, "words", op);
  check_cublas(gemm(CUBLAS_OP_T, CUBLAS_OP_N, ti, to_int(ni * g.R, "region rows", op), di,
                    address_as<const Real>(in.words), di, address_as<const Real>(in.images) + i0 * g.R * g.d, di,
                    Real(0), address_as<Real>(raw), ti),
               "cublasGemm", op, " (raw scores)");
}

// How the pair blocks get their workspace, and how many there are.
struct PairLaunch {
  xattn::Layout layout;
  size_t shared_bytes = 0;  // dynamic shared memory per block (0 with a global workspace)
  int grid = 0;
  Tensor global_ws;
};

template <typename Real>
PairLaunch plan_pairs(const Geometry& g, int64_t n_pairs, Device device, DType dtype, const char* op) {
  PairLaunch plan;
  const int64_t max_nq = g.t2i ? g.max_len : g.R, max_ns = g.t2i ? g.R : g.max_len;
  check(max_nq < (int64_t(1) << 20) && max_ns < (int64_t(1) << 20), op, "a pair of ", max_nq, " query and ", max_ns,
        " context elements is too large");
  plan.layout = xattn::make_layout(static_cast<int>(max_nq), static_cast<int>(max_ns));
  const int64_t bytes = plan.layout.size * static_cast<int64_t>(sizeof(Real));
  int current = 0, optin = 0;
  check_cuda(cudaGetDevice(&current), "cudaGetDevice", op);
  check_cuda(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, current), "cudaDeviceGetAttribute",
             op);
  constexpr int64_t kStaticReserve = 256;  // the kernels' static shared memory (PairScalars)
  if (bytes + kStaticReserve <= optin) {
    plan.shared_bytes = static_cast<size_t>(bytes);
    plan.grid = static_cast<int>(std::min<int64_t>(n_pairs, INT_MAX));
  } else {
    plan.grid = static_cast<int>(std::min<int64_t>(n_pairs, kGlobalSlots));
    plan.global_ws = Tensor::empty({plan.grid * plan.layout.size}, dtype, device);
  }
  return plan;
}

template <typename Kernel>
void allow_shared(Kernel kernel, size_t bytes, const char* op) {
  if (bytes > 0)  // dynamic + static must fit: raise the limit to what is asked, whatever its size
    check_cuda(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)),
               "cudaFuncSetAttribute", op);
}

template <typename Real>
xattn::Args<Real> pair_args(const Inputs& in, const Products& p, const Geometry& g, const CrossAttentionOptions& o,
                            const PairLaunch& plan, int64_t i0, int64_t ni, const Tensor& raw) {
  xattn::Args<Real> a;
  a.n_cap = g.n_cap;
  a.R = g.R;
  a.tokens = g.tokens;
  a.crows = g.context_rows();
  a.qrows = g.query_rows();
  a.i0 = i0;
  a.n_pairs = ni * g.n_cap;
  a.t2i = g.t2i;
  a.lens = address_as<const int64_t>(in.lens);
  a.offsets = address_as<const int64_t>(in.offsets);
  a.raw = address_as<const Real>(raw);
  a.gram = address_as<const Real>(p.gram);
  a.query_sqnorm = address_as<const Real>(p.query_sqnorm);
  a.params = params_of<Real>(o);
  a.layout = plan.layout;
  a.global_ws = plan.global_ws.defined() ? address_as<Real>(plan.global_ws) : nullptr;
  return a;
}

// Images per chunk: the chunk's scratch (elements per image below) within kChunkBudgetBytes.
int64_t images_per_chunk(const Geometry& g, bool backward, size_t element) {
  int64_t per_image = g.R * g.tokens;  // raw scores
  if (backward) per_image += g.R * g.tokens + g.n_cap * (g.context_rows() * g.context_rows() + g.query_rows());
  const int64_t ni = kChunkBudgetBytes / std::max<int64_t>(1, per_image * static_cast<int64_t>(element));
  // cuBLAS dimensions are int: ni·R rows of the raw scores.
  return std::clamp<int64_t>(ni, 1, std::min<int64_t>(g.n_img, std::max<int64_t>(1, INT_MAX / g.R)));
}

// The scores into `scores` and/or the attention weights into `weights` (either may be undefined).
template <typename Real>
void run_forward(const Inputs& in, const Geometry& g, const CrossAttentionOptions& o, Tensor* scores,
                 Tensor* weights, const char* op) {
  const Device device = in.images.device();
  const DType dtype = in.images.dtype();
  const Products products = compute_products<Real>(in, g, op);
  const int64_t chunk = images_per_chunk(g, false, sizeof(Real));
  Tensor raw = Tensor::empty({chunk * g.R, g.tokens}, dtype, device);
  const PairLaunch plan = plan_pairs<Real>(g, chunk * g.n_cap, device, dtype, op);
  allow_shared(pair_forward_kernel<Real>, plan.shared_bytes, op);
  for (int64_t i0 = 0; i0 < g.n_img; i0 += chunk) {
    const int64_t ni = std::min(chunk, g.n_img - i0);
    raw_scores<Real>(in, g, i0, ni, raw, op);
    xattn::Args<Real> a = pair_args<Real>(in, products, g, o, plan, i0, ni, raw);
    a.scores = scores ? address_as<Real>(*scores) : nullptr;
    a.weights = weights ? address_as<Real>(*weights) : nullptr;
    const int grid = static_cast<int>(std::min<int64_t>(plan.grid, a.n_pairs));
    pair_forward_kernel<Real><<<grid, xattn::kThreads, plan.shared_bytes, stream()>>>(a);
    check_launch("pair_forward_kernel", op);
  }
}

// The gradients, computed chunk by chunk (the CPU's scores_backward has the same steps):
//   1. per pair: dA (the pair's block of d_raw), its dG and d‖query row‖² partials;
//   2. raw = V Wᵀ:          dV = d_raw W (per chunk),  dW += d_rawᵀ V_chunk (chunks in order)
//   3. the partials summed over the partner axis in index order: dG [n_ctx, crows, crows] in the
//      dtype, d‖query‖² in double;
// after every chunk:
//   4. G = X Xᵀ (context):  dX += (dG + dGᵀ) X;   ‖x_q‖² (query rows): dx_q += 2 d‖x_q‖² x_q.
// Padded words get no dA and no dG, and are zero in X, so their gradient is exactly zero.
template <typename Real>
std::pair<Tensor, Tensor> run_backward(const Inputs& in, const Geometry& g, const CrossAttentionOptions& o,
                                       const Tensor& grad) {
  const char* op = kBackwardOp;
  const Device device = in.images.device();
  const DType dtype = in.images.dtype();
  const Products products = compute_products<Real>(in, g, op);
  const int64_t crows = g.context_rows(), qrows = g.query_rows(), n_ctx = g.n_context(), n_qry = g.n_query();
  const int64_t chunk = images_per_chunk(g, true, sizeof(Real));
  Tensor raw = Tensor::empty({chunk * g.R, g.tokens}, dtype, device);
  Tensor d_raw = Tensor::empty({chunk * g.R, g.tokens}, dtype, device);
  Tensor d_gram_part = Tensor::empty({chunk * g.n_cap, crows * crows}, dtype, device);
  Tensor d_query_part = Tensor::empty({chunk * g.n_cap, qrows}, dtype, device);
  Tensor d_gram = Tensor::empty({n_ctx, crows, crows}, dtype, device);
  Tensor d_sq = Tensor::empty({n_qry * qrows}, DType::Float64, device);
  Tensor d_images = Tensor::empty(in.images.shape(), dtype, device);
  Tensor d_words = g.padded() ? Tensor::empty({g.tokens, g.d}, dtype, device)
                              : Tensor::empty(in.captions.shape(), dtype, device);
  const PairLaunch plan = plan_pairs<Real>(g, chunk * g.n_cap, device, dtype, op);
  allow_shared(pair_backward_kernel<Real>, plan.shared_bytes, op);
  const int di = to_int(g.d, "feature size", op), ti = to_int(g.tokens, "words", op);

  for (int64_t i0 = 0; i0 < g.n_img; i0 += chunk) {
    const int64_t ni = std::min(chunk, g.n_img - i0);
    raw_scores<Real>(in, g, i0, ni, raw, op);
    xattn::Args<Real> a = pair_args<Real>(in, products, g, o, plan, i0, ni, raw);
    a.d_scores = address_as<const Real>(grad);
    a.ds0 = grad.strides()[0];
    a.ds1 = grad.strides()[1];
    a.d_raw = address_as<Real>(d_raw);
    a.d_gram_part = address_as<Real>(d_gram_part);
    a.d_query_part = address_as<Real>(d_query_part);
    const int grid = static_cast<int>(std::min<int64_t>(plan.grid, a.n_pairs));
    pair_backward_kernel<Real><<<grid, xattn::kThreads, plan.shared_bytes, stream()>>>(a);
    check_launch("pair_backward_kernel", op);

    // dV_chunk = d_raw W: column-major dVᵀ (d × ni·R) = Wᵀ d_rawᵀ, both stored as they are.
    const int rows = to_int(ni * g.R, "region rows", op);
    const Real* v_chunk = address_as<const Real>(in.images) + i0 * g.R * g.d;
    check_cublas(gemm(CUBLAS_OP_N, CUBLAS_OP_N, di, rows, ti, address_as<const Real>(in.words), di,
                      address_as<const Real>(d_raw), ti, Real(0), address_as<Real>(d_images) + i0 * g.R * g.d, di),
                 "cublasGemm", op, " (d_images from the raw scores)");
    // dW += d_rawᵀ V_chunk: column-major dWᵀ (d × tokens) = V_chunkᵀ d_raw.
    check_cublas(gemm(CUBLAS_OP_N, CUBLAS_OP_T, di, ti, rows, v_chunk, di, address_as<const Real>(d_raw), ti,
                      Real(i0 == 0 ? 0 : 1), address_as<Real>(d_words), di),
                 "cublasGemm", op, " (d_captions from the raw scores)");

    // Partials [ni, n_cap, ·] (local pair (i − i0)·n_cap + c) summed over the partner axis.
    const int64_t g2 = crows * crows;
    if (g.t2i) {  // context = the chunk's images (complete here), query = every caption (over chunks)
      sum_partials_kernel<Real, Real><<<blocks_for(ni * g2), kElementThreads, 0, stream()>>>(
          address_as<const Real>(d_gram_part), ni, g2, g.n_cap * g2, g2, g.n_cap, true,
          address_as<Real>(d_gram) + i0 * g2);
      check_launch("sum_partials_kernel", op);
      sum_partials_kernel<Real, double><<<blocks_for(g.n_cap * qrows), kElementThreads, 0, stream()>>>(
          address_as<const Real>(d_query_part), g.n_cap, qrows, qrows, g.n_cap * qrows, ni, i0 == 0,
          address_as<double>(d_sq));
      check_launch("sum_partials_kernel", op);
    } else {  // context = every caption (over chunks), query = the chunk's images (complete here)
      sum_partials_kernel<Real, Real><<<blocks_for(g.n_cap * g2), kElementThreads, 0, stream()>>>(
          address_as<const Real>(d_gram_part), g.n_cap, g2, g2, g.n_cap * g2, ni, i0 == 0, address_as<Real>(d_gram));
      check_launch("sum_partials_kernel", op);
      sum_partials_kernel<Real, double><<<blocks_for(ni * qrows), kElementThreads, 0, stream()>>>(
          address_as<const Real>(d_query_part), ni, qrows, g.n_cap * qrows, qrows, g.n_cap, true,
          address_as<double>(d_sq) + i0 * qrows);
      check_launch("sum_partials_kernel", op);
    }
  }

  Tensor d_captions = d_words;
  if (g.padded()) {
    d_captions = Tensor::empty(in.captions.shape(), dtype, device);
    unpack_kernel<Real><<<blocks_for(d_captions.numel()), kElementThreads, 0, stream()>>>(
        address_as<const Real>(d_words), g.n_cap, g.L, g.d, address_as<const int64_t>(in.lens),
        address_as<const int64_t>(in.offsets), address_as<Real>(d_captions));
    check_launch("unpack_kernel", op);
  }

  // Context side: dX_b += (dG_b + dG_bᵀ) X_b; column-major dX_bᵀ (d × n) += X_bᵀ S_bᵀ.
  Tensor sym = Tensor::empty(d_gram.shape(), dtype, device);
  symmetrise_kernel<Real><<<blocks_for(sym.numel()), kElementThreads, 0, stream()>>>(
      address_as<const Real>(d_gram), n_ctx, crows, address_as<Real>(sym));
  check_launch("symmetrise_kernel", op);
  const Tensor& context = g.t2i ? in.images : in.captions;
  Tensor& d_context = g.t2i ? d_images : d_captions;
  const int ci = to_int(crows, "context rows", op);
  check_cublas(gemm_batched(CUBLAS_OP_N, CUBLAS_OP_N, di, ci, ci, address_as<const Real>(context), di, crows * g.d,
                            address_as<const Real>(sym), ci, crows * crows, Real(1), address_as<Real>(d_context), di,
                            crows * g.d, to_int(n_ctx, "context entities", op)),
               "cublasGemmStridedBatched", op, " (context Gram gradients)");

  // Query side: dx_q += 2 d‖x_q‖² x_q.
  const Tensor& query = g.t2i ? in.captions : in.images;
  Tensor& d_query = g.t2i ? d_captions : d_images;
  query_grad_kernel<Real><<<blocks_for(n_qry * qrows * g.d), kElementThreads, 0, stream()>>>(
      address_as<const double>(d_sq), address_as<const Real>(query), n_qry * qrows, g.d, address_as<Real>(d_query));
  check_launch("query_grad_kernel", op);
  return {d_images, d_captions};
}

}  // namespace

Tensor CudaBackend::cross_attention_forward(const Tensor& images, const Tensor& captions,
                                            const std::vector<int64_t>& cap_lens,
                                            const CrossAttentionOptions& options, bool for_backward,
                                            std::shared_ptr<CrossAttentionSaved>& saved) {
  (void)for_backward;  // the backward recomputes from the inputs, so nothing extra is kept for it
  DeviceGuard guard(images.device());
  const Geometry g = geometry_of(images, captions, cap_lens, options);
  Tensor scores = Tensor::empty({g.n_img, g.n_cap}, images.dtype(), images.device());
  dispatch_floating(images.dtype(), kForwardOp, [&]<typename Real>() {
    const Inputs in = prepare_inputs<Real>(images, captions, g, kForwardOp);
    run_forward<Real>(in, g, options, &scores, nullptr, kForwardOp);
  });
  auto state = std::make_shared<CudaCrossAttentionSaved>();
  state->images = images.detach();
  state->captions = captions.detach();
  state->cap_lens = cap_lens;
  state->options = options;
  saved = state;
  return scores;
}

std::pair<Tensor, Tensor> CudaBackend::cross_attention_backward(const CrossAttentionSaved& saved,
                                                                const Tensor& grad_scores) {
  DeviceGuard guard(grad_scores.device());
  const auto* state = dynamic_cast<const CudaCrossAttentionSaved*>(&saved);
  check(state != nullptr, kBackwardOp, "the saved state is not the CUDA backend's");
  const Geometry g = geometry_of(state->images, state->captions, state->cap_lens, state->options);
  check(grad_scores.dim() == 2 && grad_scores.size(0) == g.n_img && grad_scores.size(1) == g.n_cap, kBackwardOp,
        "expected grad_scores [", g.n_img, ", ", g.n_cap, "], got ", shape_str(grad_scores.shape()));
  check(grad_scores.dtype() == state->images.dtype(), kBackwardOp, "expected grad_scores of dtype ",
        dtype_name(state->images.dtype()), ", got ", dtype_name(grad_scores.dtype()));
  return dispatch_floating(grad_scores.dtype(), kBackwardOp, [&]<typename Real>() {
    const Inputs in = prepare_inputs<Real>(state->images, state->captions, g, kBackwardOp);
    return run_backward<Real>(in, g, state->options, grad_scores);
  });
}

Tensor CudaBackend::cross_attention_weights(const Tensor& images, const Tensor& captions,
                                            const std::vector<int64_t>& cap_lens,
                                            const CrossAttentionOptions& options) {
  DeviceGuard guard(images.device());
  const Geometry g = geometry_of(images, captions, cap_lens, options);
  // t2i: [n_img, n_cap, L, R] (query = words, context = regions); i2t: [n_img, n_cap, R, L].
  Tensor weights = Tensor::empty({g.n_img, g.n_cap, g.query_rows(), g.context_rows()}, images.dtype(),
                                 images.device());
  dispatch_floating(images.dtype(), kWeightsOp, [&]<typename Real>() {
    const Inputs in = prepare_inputs<Real>(images, captions, g, kWeightsOp);
    run_forward<Real>(in, g, options, nullptr, &weights, kWeightsOp);
  });
  return weights;
}

}  // namespace fw::cuda
