#pragma once
// The launchers of the reduction kernels (reduce.cu) and of the indexing kernels (index.cu), for
// reduce.cpp, which arranges the operands densely and allocates the results. Every launcher runs
// on stream(), checks its launch (naming `op`), and launches nothing when there is nothing to
// write. Plain C++ (no CUDA types): the host compiler reads it too.
//
// Row layout (backend/reduction_plan.h): the input is a dense block [outer, R, inner]; the
// outputs of a reduction are the outer · inner positions (o, i), dense, o-major. Each output is
// combined in a fixed order: either by one thread in increasing r (the CPU's order exactly), or,
// for few outputs over long rows, by a group of threads that each combine r ≡ lane (mod group)
// in increasing r, then merge the lanes' partials in a fixed binary tree. Which one only depends
// on (outer, R, inner), so the same inputs give the same bits on every run.
#include <cstdint>

namespace fw::cuda {

struct RowLayout {
  int64_t outer = 1, reduced = 1, inner = 1;
};

enum class RowReduce : uint8_t {
  Sum,     // Σ x, accumulated in double
  Mean,    // Σ x / R in double (0 / 0 = nan for R = 0)
  L2Norm,  // sqrt(Σ x²), accumulated in T
};

// out[o, i] = op over r of in[o, r, i] (R may be 0: Sum 0, Mean nan, L2Norm 0).
template <typename T>
void reduce_rows(RowReduce reduce, const RowLayout& layout, const T* in, T* out, const char* op);

// values[o, i] = max_r in[o, r, i], indices[o, i] = the first r reaching it; a NaN counts as the
// largest (the first NaN wins). Needs R >= 1.
template <typename T>
void max_rows(const RowLayout& layout, const T* in, T* values, int64_t* indices, const char* op);

// out [outer, R, inner] dense: 1 where r == indices[o, i], 0 elsewhere (every element written).
template <typename T>
void one_hot_rows(const RowLayout& layout, const int64_t* indices, T* out, const char* op);

// out [outer, R, inner] = softmax over r (cpu/softmax_kernel.h's formulas and precision).
template <typename T>
void softmax_rows(const RowLayout& layout, const T* in, T* out, const char* op);

// out[o, i] = m + log Σ_r exp(in[o, r, i] − m), m the row's maximum (0 when infinite).
template <typename T>
void logsumexp_rows(const RowLayout& layout, const T* in, T* out, const char* op);

// Σ x² over n dense elements in double, in the CPU's blocks of kSquaresBlock elements: buffer
// holds squares_partials(n) + 1 doubles; buffer[squares_partials(n)] receives the total, the
// block sums added in block order.
constexpr int64_t kSquaresBlock = 16384;
inline int64_t squares_partials(int64_t n) { return (n + kSquaresBlock - 1) / kSquaresBlock; }
template <typename T>
void sum_of_squares_rows(const T* in, int64_t n, double* buffer, const char* op);

// Indexing along one dim: a dense tensor seen as [outer, rows, inner].
struct SliceLayout {
  int64_t outer = 1;
  int64_t rows = 0;   // the indexed dim of the source (gather) or of the target (scatter)
  int64_t count = 0;  // index.size(): the indexed dim of the result (gather) or of grad (scatter)
  int64_t inner = 1;
};

// out[o, i, :] = in[o, index[i], :], out dense [outer, count, inner]; T in {float, double, int64_t}.
template <typename T>
void gather_slices(const SliceLayout& layout, const int64_t* index, const T* in, T* out, const char* op);

// out[o, t, :] = Σ grad[o, i, :] over the i with index[i] == t, in increasing i, from T(0):
// positions[starts[t] .. starts[t + 1]) lists those i in increasing order (starts has rows + 1
// entries). out dense [outer, rows, inner], every element written.
template <typename T>
void scatter_add_slices(const SliceLayout& layout, const int64_t* starts, const int64_t* positions, const T* grad,
                        T* out, const char* op);

}  // namespace fw::cuda
