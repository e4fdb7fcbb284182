// l2norm and cosine_similarity with SCAN's epsilon placement. Both are written with fused
// kernels where the epsilon sits, so that zero vectors give zeros (never nan) forward and
// backward.
#include "framework/ops/normalization.h"

#include <cmath>

#include "framework/autograd/node.h"
#include "framework/devices/devices.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

namespace fw {

namespace {

using E = ElementwiseOp;

// c = w12 / max(‖a‖ ‖b‖, eps) from the sums w12 = Σ a⊙b, w1 = Σ a², w2 = Σ b² (broadcast
// together). With p = sqrt(w1) sqrt(w2), where p > eps:
//   ∂c/∂w12 = 1/p,  ∂c/∂w1 = -c / (2 w1),  ∂c/∂w2 = -c / (2 w2)      (∂p/∂w1 = p / (2 w1))
// and where the clamp is active (p <= eps) only ∂c/∂w12 = 1/eps is nonzero.
Tensor cosine_from_sums(const Tensor& w12, const Tensor& w1, const Tensor& w2, double eps) {
  Tensor out = apply_elementwise("cosine_similarity", E::CosineFromSums, {w12, w1, w2}, eps);
  return record(
      "cosine_similarity", {out}, {w12, w1, w2},
      [w12 = w12.detach(), w1 = w1.detach(), w2 = w2.detach(), eps](const std::vector<Tensor>& grads) {
        const Tensor& g = grads[0];
        auto partial = [&](ElementwiseOp code) {
          return apply_elementwise("cosine_similarity", code, {g, w12, w1, w2}, eps);
        };
        return std::vector<Tensor>{sum_to(partial(E::CosineGradDot), w12.shape()),
                                   sum_to(partial(E::CosineGradNorm1), w1.shape()),
                                   sum_to(partial(E::CosineGradNorm2), w2.shape())};
      })[0];
}

}  // namespace

Tensor l2norm(const Tensor& x, int64_t dim, double eps) {
  dim = normalize_dim(dim, x.dim(), "l2norm");
  const ReductionPlan plan = plan_reduction(x, {dim}, "l2norm");
  check_floating("l2norm", x);
  // n = sqrt(Σ_dim x²), kept with size 1 at dim so that it broadcasts against x.
  const Tensor norm = backend(x.device()).reduce(ReduceOp::L2Norm, x, plan);
  Tensor out = apply_elementwise("l2norm", E::L2NormDivide, {x, norm}, eps);
  // y = x / s with s = n + eps: ∂y_i/∂x_j = δ_ij / s − x_i x_j / (s² n), so
  //   dx = g / s − y · (Σ_dim g⊙y) / n,
  // the second term taken as 0 for a zero vector (n = 0, where y = 0 too).
  return record1("l2norm", out, {x}, [y = out.detach(), norm, dim, eps](const Tensor& g) {
    const Tensor dot = sum(g * y, dim, /*keepdim=*/true);
    return std::vector<Tensor>{apply_elementwise("l2norm", E::L2NormBackward, {g, y, norm, dot}, eps)};
  }, {out});
}

Tensor cosine_similarity(const Tensor& a, const Tensor& b, int64_t dim, double eps) {
  check_same_dtype("cosine_similarity", a, b);
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), "cosine_similarity");
  const int64_t rank = static_cast<int64_t>(shape.size());
  dim = normalize_dim(dim, rank, "cosine_similarity");
  // Each operand's norm runs over its own data; one broadcast along `dim` itself is expanded
  // first, so that its norm counts every element of the broadcast vector.
  auto along_dim = [&](const Tensor& t, int64_t& own_dim) {
    own_dim = dim - (rank - t.dim());
    if (own_dim >= 0 && t.shape()[own_dim] == shape[dim]) return t;
    own_dim = dim;
    return t.expand(shape);
  };
  int64_t da = 0, db = 0;
  const Tensor ea = along_dim(a, da), eb = along_dim(b, db);
  const Tensor w12 = sum(ea * eb, dim, /*keepdim=*/true);
  const Tensor w1 = sum(ea * ea, da, /*keepdim=*/true);
  const Tensor w2 = sum(eb * eb, db, /*keepdim=*/true);
  return cosine_from_sums(w12, w1, w2, eps).squeeze(dim);
}

}  // namespace fw
