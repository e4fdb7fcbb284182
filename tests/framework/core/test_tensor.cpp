#include <doctest/doctest.h>

#include <sstream>

#include "framework/core/tensor.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/reduce.h"

using namespace fw;

namespace {

// 0, 1, ..., n-1 as float64 in the given shape.
Tensor iota(const Shape& shape) { return Tensor::arange(numel(shape), DType::Float64).reshape(shape); }

}  // namespace

TEST_CASE("creation: empty, zeros, ones, full, scalar") {
  const Tensor e = Tensor::empty({2, 3});
  CHECK(e.shape() == Shape{2, 3});
  CHECK(e.strides() == Strides{3, 1});
  CHECK(e.numel() == 6);
  CHECK(e.dim() == 2);
  CHECK(e.dtype() == DType::Float32);
  CHECK(e.device() == Device::cpu());
  CHECK(e.offset() == 0);
  CHECK(e.is_contiguous());
  CHECK(e.storage()->nbytes() == 6 * sizeof(float));

  CHECK(Tensor::zeros({2, 2}, DType::Float64).to_vector<double>() == std::vector<double>{0, 0, 0, 0});
  CHECK(Tensor::ones({3}).to_vector<float>() == std::vector<float>{1, 1, 1});
  CHECK(Tensor::full({2}, -2.5, DType::Float64).to_vector<double>() == std::vector<double>{-2.5, -2.5});
  CHECK(Tensor::full({2}, 7, DType::Int64).to_vector<int64_t>() == std::vector<int64_t>{7, 7});

  const Tensor s = Tensor::scalar(3.5, DType::Float64);
  CHECK(s.dim() == 0);
  CHECK(s.shape().empty());
  CHECK(s.numel() == 1);
  CHECK(s.item() == 3.5);

  const Tensor nothing = Tensor::zeros({0, 4});
  CHECK(nothing.numel() == 0);
  CHECK(nothing.to_vector<float>().empty());

  const Tensor undefined;
  CHECK_FALSE(undefined.defined());
  CHECK_THROWS_WITH_AS(undefined.shape(), doctest::Contains("use of an undefined tensor"), Error);
  CHECK_THROWS_WITH_AS(Tensor::empty({2, -1}), doctest::Contains("Tensor::empty: negative size in shape [2, -1]"),
                       Error);
}

TEST_CASE("creation: from_vector and arange, including int64") {
  const Tensor f = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(f.dtype() == DType::Float32);
  CHECK(f.at({1, 2}) == 6);
  const Tensor d = Tensor::from_vector<double>({0.25, -0.5}, {2});
  CHECK(d.dtype() == DType::Float64);
  CHECK(d.to_vector<double>() == std::vector<double>{0.25, -0.5});
  const Tensor i = Tensor::from_vector<int64_t>({5, -7, 9}, {3, 1});
  CHECK(i.dtype() == DType::Int64);
  CHECK(i.shape() == Shape{3, 1});
  CHECK(i.to_vector<int64_t>() == std::vector<int64_t>{5, -7, 9});
  CHECK(i.at({1, 0}) == -7);

  const Tensor r = Tensor::arange(4);
  CHECK(r.dtype() == DType::Int64);
  CHECK(r.to_vector<int64_t>() == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(Tensor::arange(3, DType::Float32).to_vector<float>() == std::vector<float>{0, 1, 2});

  CHECK_THROWS_WITH_AS(Tensor::from_vector<float>({1, 2, 3}, {2, 2}),
                       doctest::Contains("Tensor::from_vector: 3 values cannot fill a tensor of shape [2, 2] (4 "
                                         "elements)"),
                       Error);
}

TEST_CASE("metadata: size with negative dims, item, at") {
  const Tensor t = Tensor::zeros({2, 3, 4});
  CHECK(t.size(0) == 2);
  CHECK(t.size(-1) == 4);
  CHECK(t.size(-3) == 2);
  CHECK_THROWS_WITH_AS(t.size(3), doctest::Contains("size: dim 3 is out of range for a tensor of rank 3"), Error);
  CHECK_THROWS_WITH_AS(t.size(-4), doctest::Contains("size: dim -4 is out of range"), Error);
  CHECK_THROWS_WITH_AS(t.item(), doctest::Contains("item: expected a one-element tensor, got shape [2, 3, 4]"),
                       Error);
  CHECK(Tensor::full({1, 1}, 2.0).item() == 2.0);
}

TEST_CASE("views share storage and see the right elements") {
  const Tensor x = iota({2, 3, 4});  // x[i, j, k] = 12 i + 4 j + k

  const Tensor r = x.reshape({6, 4});
  CHECK(r.shares_storage_with(x));
  CHECK(r.at({5, 3}) == 23);
  const Tensor v = x.view({4, -1});
  CHECK(v.shares_storage_with(x));
  CHECK(v.shape() == Shape{4, 6});
  CHECK(v.at({2, 1}) == 13);

  const Tensor t = x.transpose(0, 2);
  CHECK(t.shares_storage_with(x));
  CHECK(t.shape() == Shape{4, 3, 2});
  CHECK(t.strides() == Strides{1, 4, 12});
  CHECK_FALSE(t.is_contiguous());
  CHECK(t.at({3, 1, 1}) == 12 + 4 + 3);

  const Tensor p = x.permute({1, 2, 0});
  CHECK(p.shares_storage_with(x));
  CHECK(p.shape() == Shape{3, 4, 2});
  CHECK(p.at({2, 1, 1}) == 12 + 8 + 1);

  const Tensor n = x.narrow(1, 1, 2);
  CHECK(n.shares_storage_with(x));
  CHECK(n.shape() == Shape{2, 2, 4});
  CHECK(n.offset() == 4);
  CHECK(n.at({1, 0, 2}) == 12 + 4 + 2);

  const Tensor s = x.select(2, 3);
  CHECK(s.shares_storage_with(x));
  CHECK(s.shape() == Shape{2, 3});
  CHECK(s.to_vector<double>() == std::vector<double>{3, 7, 11, 15, 19, 23});
  CHECK(x.select(0, -1).at({0, 0}) == 12);

  const Tensor u = x.unsqueeze(1);
  CHECK(u.shares_storage_with(x));
  CHECK(u.shape() == Shape{2, 1, 3, 4});
  CHECK(u.at({1, 0, 2, 1}) == 12 + 8 + 1);
  const Tensor sq = u.squeeze(1);
  CHECK(sq.shares_storage_with(x));
  CHECK(sq.shape() == Shape{2, 3, 4});

  const Tensor row = Tensor::from_vector<double>({1, 2, 3}, {1, 3});
  const Tensor e = row.expand({2, 2, 3});
  CHECK(e.shares_storage_with(row));
  CHECK(e.strides() == Strides{0, 0, 1});
  CHECK(e.to_vector<double>() == std::vector<double>{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3});
}

TEST_CASE("a view writes through to its base") {
  Tensor x = Tensor::zeros({2, 3}, DType::Float64);
  Tensor column = x.select(1, 1);
  fill_(column, 5.0);
  CHECK(x.to_vector<double>() == std::vector<double>{0, 5, 0, 0, 5, 0});
}

TEST_CASE("view() errors on a layout it cannot view, reshape() copies instead") {
  const Tensor t = iota({2, 3}).transpose(0, 1);  // [3, 2], strides [1, 3]
  CHECK_THROWS_WITH_AS(t.view({6}),
                       doctest::Contains("view: a tensor of shape [3, 2] with these strides cannot be viewed as [6] "
                                         "without a copy (use reshape)"),
                       Error);
  const Tensor r = t.reshape({6});
  CHECK_FALSE(r.shares_storage_with(t));
  CHECK(r.is_contiguous());
  CHECK(r.to_vector<double>() == std::vector<double>{0, 3, 1, 4, 2, 5});
  // Splitting a dim of a transposed tensor needs no copy.
  const Tensor split = t.reshape({3, 2, 1});
  CHECK(split.shares_storage_with(t));
  CHECK(split.at({2, 1, 0}) == 5);
  // An expanded tensor cannot be flattened without a copy.
  const Tensor e = Tensor::ones({1, 3}).expand({2, 3});
  CHECK_THROWS_WITH_AS(e.view({6}), doctest::Contains("view: a tensor of shape [2, 3]"), Error);
  CHECK_FALSE(e.reshape({6}).shares_storage_with(e));
}

TEST_CASE("contiguous, clone and to(dtype)") {
  const Tensor x = iota({2, 3});
  CHECK(x.contiguous().impl_ptr() == x.impl_ptr());  // already dense: the same tensor
  const Tensor t = x.transpose(0, 1);
  const Tensor c = t.contiguous();
  CHECK_FALSE(c.shares_storage_with(x));
  CHECK(c.is_contiguous());
  CHECK(c.strides() == Strides{2, 1});
  CHECK(c.to_vector<double>() == std::vector<double>{0, 3, 1, 4, 2, 5});

  Tensor k = x.clone();
  CHECK_FALSE(k.shares_storage_with(x));
  CHECK(k.to_vector<double>() == x.to_vector<double>());
  fill_(k, 1.0);
  CHECK(x.at({1, 2}) == 5);  // the original is untouched

  const Tensor f = Tensor::from_vector<double>({1.5, -2.75}, {2}).to(DType::Float32);
  CHECK(f.dtype() == DType::Float32);
  CHECK(f.to_vector<float>() == std::vector<float>{1.5f, -2.75f});
  const Tensor i = Tensor::from_vector<double>({1.9, -2.9}, {2}).to(DType::Int64);
  CHECK(i.to_vector<int64_t>() == std::vector<int64_t>{1, -2});  // truncation, as static_cast
  CHECK(Tensor::arange(3).to(DType::Float64).to_vector<double>() == std::vector<double>{0, 1, 2});
  CHECK(x.to(DType::Float64).impl_ptr() == x.impl_ptr());
}

TEST_CASE("negative dims in views") {
  const Tensor x = iota({2, 3, 4});
  CHECK(x.transpose(-1, -3).shape() == Shape{4, 3, 2});
  CHECK(x.narrow(-1, 2, 2).at({0, 0, 0}) == 2);
  CHECK(x.unsqueeze(-1).shape() == Shape{2, 3, 4, 1});
  CHECK(x.unsqueeze(0).shape() == Shape{1, 2, 3, 4});
  CHECK(x.unsqueeze(-1).squeeze(-1).shape() == Shape{2, 3, 4});
  CHECK(x.permute({-1, 0, 1}).shape() == Shape{4, 2, 3});
  CHECK(x.select(-2, 1).shape() == Shape{2, 4});
}

TEST_CASE("printing shows dtype, shape, autograd state and values") {
  std::ostringstream out;
  out << Tensor::from_vector<float>({1, 2.5f}, {2});
  CHECK(out.str() == "Tensor(float32, [2]) {1, 2.5}");

  Tensor a = Tensor::from_vector<double>({1, 2}, {2}).set_requires_grad();
  std::ostringstream leaf;
  leaf << a;
  CHECK(leaf.str() == "Tensor(float64, [2], requires_grad) {1, 2}");

  std::ostringstream computed;
  computed << sum(a);
  CHECK(computed.str() == "Tensor(float64, [], grad_fn=sum) {3}");

  std::ostringstream ints, big, none;
  ints << Tensor::arange(3);
  CHECK(ints.str() == "Tensor(int64, [3]) {0, 1, 2}");
  big << Tensor::zeros({10, 10});
  CHECK(big.str() == "Tensor(float32, [10, 10])");  // values are left out of large tensors
  none << Tensor();
  CHECK(none.str() == "Tensor(undefined)");
}

TEST_CASE("view ops name the op and the shapes in their errors") {
  const Tensor x = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH_AS(x.reshape({4}),
                       doctest::Contains("reshape: cannot reshape [2, 3] (6 elements) into [4] (4 elements)"), Error);
  CHECK_THROWS_WITH_AS(x.reshape({4, -1}), doctest::Contains("reshape: cannot reshape [2, 3] into [4, -1]"), Error);
  CHECK_THROWS_WITH_AS(x.reshape({-1, -1}), doctest::Contains("reshape: only one dimension can be -1"), Error);
  CHECK_THROWS_WITH_AS(x.narrow(1, 1, 3),
                       doctest::Contains("narrow: range [1, 4) is out of bounds for dim 1 of size 3 (shape [2, 3])"),
                       Error);
  CHECK_THROWS_WITH_AS(x.narrow(2, 0, 1), doctest::Contains("narrow: dim 2 is out of range for a tensor of rank 2"),
                       Error);
  CHECK_THROWS_WITH_AS(x.select(0, 2), doctest::Contains("select: index 2 is out of range for dim 0 of size 2"),
                       Error);
  CHECK_THROWS_WITH_AS(x.squeeze(0), doctest::Contains("squeeze: dim 0 has size 2, not 1 (shape [2, 3])"), Error);
  CHECK_THROWS_WITH_AS(x.expand({2, 4}), doctest::Contains("expand: cannot expand [2, 3] to [2, 4] (dim 1: 3 vs 4)"),
                       Error);
  CHECK_THROWS_WITH_AS(x.expand({3}), doctest::Contains("expand: cannot expand [2, 3] to fewer dims [3]"), Error);
  CHECK_THROWS_WITH_AS(x.permute({0, 0}), doctest::Contains("permute: dim 0 appears twice"), Error);
  CHECK_THROWS_WITH_AS(x.permute({0}), doctest::Contains("permute: expected 2 dims for a tensor of shape [2, 3], got 1"),
                       Error);
  CHECK_THROWS_WITH_AS(x.at({0, 3}), doctest::Contains("at: index 3 is out of range for dim 1 of size 3"), Error);
  CHECK_THROWS_WITH_AS(x.at({0}), doctest::Contains("at: expected 2 indices, got 1"), Error);
  CHECK_THROWS_WITH_AS(x.data<double>(), doctest::Contains("Tensor::data: the tensor holds float32, not float64"),
                       Error);
  CHECK_THROWS_WITH_AS(Tensor::arange(2).data<float>(),
                       doctest::Contains("Tensor::data: the tensor holds int64, not float32"), Error);
}

TEST_CASE("set_grad checks the shape") {
  Tensor a = Tensor::zeros({2}).set_requires_grad();
  CHECK_THROWS_WITH_AS(a.set_grad(Tensor::zeros({3})),
                       doctest::Contains("set_grad: gradient of shape [3] for a tensor of shape [2]"), Error);
  a.set_grad(Tensor::ones({2}));
  CHECK(a.grad().to_vector<float>() == std::vector<float>{1, 1});
  CHECK_THROWS_WITH_AS(Tensor::arange(2).set_requires_grad(),
                       doctest::Contains("set_requires_grad: an int64 tensor cannot require grad"), Error);
}
