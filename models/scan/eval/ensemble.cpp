#include "models/scan/eval/ensemble.h"

#include <algorithm>

#include "framework/core/error.h"
#include "framework/core/parallel.h"

namespace scan {

namespace {
constexpr int64_t kTile = 4096;  // elements summed at a time in a float64 scratch buffer
}  // namespace

fw::Tensor ensemble_sims(const std::vector<fw::Tensor>& sims) {
  const char* op = "ensemble_sims";
  fw::check(sims.size() >= 2, op, "expected at least two sims matrices, got ", sims.size());
  fw::DType dtype = fw::DType::Float32;
  for (size_t i = 0; i < sims.size(); ++i) {
    fw::check(sims[i].defined() && sims[i].device().is_cpu(), op, "sims ", i, " is not a CPU tensor");
    fw::check(sims[i].shape() == sims[0].shape(), op, "all sims must have one shape: sims 0 is ",
              fw::shape_str(sims[0].shape()), ", sims ", i, " is ", fw::shape_str(sims[i].shape()));
    fw::check(fw::is_floating(sims[i].dtype()), op, "expected float32 or float64 sims, sims ", i, " is ",
              fw::dtype_name(sims[i].dtype()));
    if (sims[i].dtype() == fw::DType::Float64) dtype = fw::DType::Float64;
  }
  std::vector<fw::Tensor> dense;  // read in their own dtype: no float64 copy of a float32 matrix
  for (const fw::Tensor& s : sims) dense.push_back(s.detach().contiguous());
  fw::Tensor out = fw::Tensor::empty(sims[0].shape(), dtype);
  const double count = static_cast<double>(dense.size());
  fw::dispatch_floating(dtype, op, [&]<typename Out>() {
    Out* result = out.data<Out>();
    fw::parallel_for(out.numel(), kTile, [&](int64_t begin, int64_t end) {
      std::vector<double> total(kTile);
      for (int64_t tile = begin; tile < end; tile += kTile) {
        const int64_t size = std::min(kTile, end - tile);
        std::fill(total.begin(), total.begin() + size, 0.0);
        for (const fw::Tensor& s : dense) {
          const auto accumulate = [&](const auto* x) {
            for (int64_t e = 0; e < size; ++e) total[e] += x[tile + e];
          };
          if (s.dtype() == fw::DType::Float64) accumulate(s.data<double>());
          else accumulate(s.data<float>());
        }
        for (int64_t e = 0; e < size; ++e) result[tile + e] = static_cast<Out>(total[e] / count);
      }
    });
  });
  return out;
}

}  // namespace scan
