#include "framework/backend/matrix_layout.h"

#include <algorithm>

#include "framework/backend/backend.h"
#include "framework/core/error.h"

namespace fw {

std::optional<MatrixLayout> blas_layout(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride) {
  // Strides of size-1 dims never matter; BLAS only requires ld >= the stored row length (and >= 1).
  if ((cols == 1 || col_stride == 1) && (rows == 1 || row_stride >= std::max<int64_t>(1, cols)))
    return MatrixLayout{false, rows == 1 ? std::max<int64_t>(1, cols) : row_stride};
  if ((rows == 1 || row_stride == 1) && (cols == 1 || col_stride >= std::max<int64_t>(1, rows)))
    return MatrixLayout{true, cols == 1 ? std::max<int64_t>(1, rows) : col_stride};
  return std::nullopt;
}

template <typename T>
PreparedOperand<T> prepare_operand(Backend& backend, const Tensor& t) {
  check(t.dtype() == dtype_of<T>::value, "matmul", "an operand holds ", dtype_name(t.dtype()), ", not ",
        dtype_name(dtype_of<T>::value));
  const int64_t r = t.dim() - 2, c = t.dim() - 1;
  Tensor source = t.detach();
  auto layout = blas_layout(t.shape()[r], t.shape()[c], t.strides()[r], t.strides()[c]);
  if (!layout) {
    source = Tensor::empty(t.shape(), t.dtype(), t.device());
    backend.copy(source, t);
    layout = blas_layout(t.shape()[r], t.shape()[c], source.strides()[r], source.strides()[c]);
  }
  const int64_t batch_stride = t.dim() == 3 && t.shape()[0] > 1 ? source.strides()[0] : 0;
  // The element address on any device: the storage's base plus the view's offset.
  const T* data = static_cast<const T*>(source.storage()->data()) + source.offset();
  return {source, {data, *layout, batch_stride}};
}

template PreparedOperand<float> prepare_operand<float>(Backend&, const Tensor&);
template PreparedOperand<double> prepare_operand<double>(Backend&, const Tensor&);

}  // namespace fw
