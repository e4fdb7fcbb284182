#include "framework/backend/reduction_plan.h"

#include <algorithm>

namespace fw {

ReductionPlan plan_reduction(const Tensor& x, const std::vector<int64_t>& dims, const char* op) {
  ReductionPlan plan;
  for (int64_t d : dims) plan.dims.push_back(normalize_dim(d, x.dim(), op));
  std::sort(plan.dims.begin(), plan.dims.end());
  check(std::adjacent_find(plan.dims.begin(), plan.dims.end()) == plan.dims.end(), op, "a dim is listed twice");
  plan.keep_shape = x.shape();
  std::vector<bool> reduced(x.dim(), false);
  for (int64_t d : plan.dims) {
    reduced[d] = true;
    plan.keep_shape[d] = 1;
  }
  for (int64_t d = 0; d < x.dim(); ++d)
    if (!reduced[d]) plan.drop_shape.push_back(x.shape()[d]);
  const bool adjacent = plan.dims.empty() || plan.dims.back() - plan.dims.front() + 1 == int64_t(plan.dims.size());
  if (adjacent) {
    for (int64_t d = 0; d < x.dim(); ++d) {
      plan.perm.push_back(d);
      if (reduced[d]) plan.reduced *= x.shape()[d];
      else if (plan.dims.empty() || d < plan.dims.front()) plan.outer *= x.shape()[d];
      else plan.inner *= x.shape()[d];
    }
  } else {  // move the reduced dims to the end: [kept..., reduced...]
    for (int64_t d = 0; d < x.dim(); ++d)
      if (!reduced[d]) plan.perm.push_back(d), plan.outer *= x.shape()[d];
    for (int64_t d : plan.dims) plan.perm.push_back(d), plan.reduced *= x.shape()[d];
  }
  return plan;
}

}  // namespace fw
