#include "framework/backend/backend.h"

#include <exception>

namespace fw {

bool Backend::supports(Kernel kernel, DType dtype) const {
  switch (kernel) {
    case Kernel::Copy:
    case Kernel::Fill:
    case Kernel::Where:  // the condition's dtype; the values are floating
    case Kernel::IndexGather:
      return true;
    default:
      return is_floating(dtype);
  }
}

void Backend::run_independent(int64_t n, const std::function<void(int64_t)>& task) {
  std::exception_ptr first;
  for (int64_t i = 0; i < n; ++i) {
    try {
      task(i);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

const char* kernel_name(Kernel kernel) {
  switch (kernel) {
    case Kernel::Copy: return "copy";
    case Kernel::Fill: return "fill";
    case Kernel::RandomUniform: return "random_uniform";
    case Kernel::RandomNormal: return "random_normal";
    case Kernel::Elementwise: return "elementwise";
    case Kernel::Where: return "where";
    case Kernel::Reduce: return "reduce";
    case Kernel::MaxWithIndex: return "max_with_index";
    case Kernel::OneHot: return "one_hot";
    case Kernel::Softmax: return "softmax";
    case Kernel::LogSumExp: return "logsumexp";
    case Kernel::SumOfSquares: return "sum_of_squares";
    case Kernel::IndexGather: return "index_gather";
    case Kernel::IndexScatterAdd: return "index_scatter_add";
    case Kernel::Gemm: return "gemm";
    case Kernel::SgdUpdate: return "sgd_update";
    case Kernel::AdamUpdate: return "adam_update";
    case Kernel::Gru: return "gru";
    case Kernel::CrossAttention: return "cross_attention";
  }
  return "?";
}

const char* elementwise_name(ElementwiseOp op) {
  return visit_elementwise(op, []<ElementwiseOp Op>() { return ElementwiseFn<Op>::name; });
}

int elementwise_arity(ElementwiseOp op) {
  return visit_elementwise(op, []<ElementwiseOp Op>() { return ElementwiseFn<Op>::arity; });
}

}  // namespace fw
