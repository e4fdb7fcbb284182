// How every backend's matmul hands an operand to BLAS (backend/matrix_layout.h): the layouts read
// in place, and the dense copy made when no layout fits.
#include "framework/backend/matrix_layout.h"

#include <doctest/doctest.h>

#include "framework/devices/devices.h"

using namespace fw;

TEST_CASE("blas_layout: transposed views are read in place, other strides need a copy") {
  const Tensor a = Tensor::zeros({4, 6});
  auto row_major = blas_layout(4, 6, a.strides()[0], a.strides()[1]);
  REQUIRE(row_major.has_value());
  CHECK(!row_major->transposed);
  CHECK(row_major->ld == 6);
  const Tensor t = a.transpose(0, 1);  // [6, 4], strides [1, 6]
  auto transposed = blas_layout(6, 4, t.strides()[0], t.strides()[1]);
  REQUIRE(transposed.has_value());
  CHECK(transposed->transposed);
  CHECK(transposed->ld == 6);
  // A column block of a wider matrix keeps its row stride as ld.
  const Tensor block = a.narrow(1, 2, 3);
  auto narrowed = blas_layout(4, 3, block.strides()[0], block.strides()[1]);
  REQUIRE(narrowed.has_value());
  CHECK(narrowed->ld == 6);
  CHECK_FALSE(blas_layout(4, 3, 6, 2).has_value());  // every other column
  CHECK_FALSE(blas_layout(4, 3, 0, 1).has_value());  // an expanded (stride-0) row
  // Size-1 dims: their strides never matter, and ld is at least the stored row length.
  auto row = blas_layout(1, 5, 0, 1);
  REQUIRE(row.has_value());
  CHECK(row->ld == 5);
  auto column = blas_layout(5, 1, 1, 0);
  REQUIRE(column.has_value());
  CHECK(!column->transposed);
  CHECK(column->ld == 1);
}

TEST_CASE("prepare_operand: in place where a layout fits, else a dense copy with the same values") {
  Backend& cpu = backend(Device::cpu());
  const Tensor a = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  SUBCASE("a transposed view is read in place") {
    const Tensor t = a.transpose(0, 1);  // [3, 2]
    const PreparedOperand<double> p = prepare_operand<double>(cpu, t);
    CHECK(p.storage.shares_storage_with(a));
    CHECK(p.gemm.data == a.data<double>());
    CHECK(p.gemm.layout.transposed);
    CHECK(p.gemm.layout.ld == 3);
    CHECK(p.gemm.batch_stride == 0);
  }
  SUBCASE("every other column is copied densely") {
    const Tensor wide = Tensor::from_vector<double>({1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, {2, 6});
    const Tensor strided = make_view(wide, {2, 3}, {6, 2}, 0);
    const PreparedOperand<double> p = prepare_operand<double>(cpu, strided);
    CHECK_FALSE(p.storage.shares_storage_with(wide));
    CHECK(!p.gemm.layout.transposed);
    CHECK(p.gemm.layout.ld == 3);
    CHECK(std::vector<double>(p.gemm.data, p.gemm.data + 6) == std::vector<double>{1, 2, 3, 4, 5, 6});
  }
  SUBCASE("a batch: its stride, and none for a batch of one") {
    const Tensor batch = Tensor::zeros({4, 2, 3}, DType::Float32);
    CHECK(prepare_operand<float>(cpu, batch).gemm.batch_stride == 6);
    CHECK(prepare_operand<float>(cpu, batch.narrow(0, 1, 1)).gemm.batch_stride == 0);
    // A view from batch entry 2 on starts at its offset (2·6 elements).
    const PreparedOperand<float> tail = prepare_operand<float>(cpu, batch.narrow(0, 2, 2));
    CHECK(tail.gemm.data == batch.data<float>() + 12);
  }
}
