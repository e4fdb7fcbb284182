// bench_layers: speed of SCAN's layers at the sizes of a training batch.
//
//   cross_attention  forward + backward of cross_attention_scores for 128 images × 128 captions,
//                    R = 36 regions, d = 1024, float32, in two caption layouts: every caption of
//                    length 12, and lengths 8..18 padded to 18. Next to it, the GEMMs the op
//                    cannot avoid (raw scores V Eᵀ in the forward, d_raw E and d_rawᵀ V in the
//                    backward), timed with cblas_sgemm on buffers of the same sizes: a lower bound.
//   gru              forward + backward of the bidirectional GRU at SCAN's size: batch 128, T = 20
//                    (lengths 8 + (5 b) mod 13, i.e. 8..20), input 300, hidden 1024, float32,
//                    loss sum(output * w); gradients of the input and every weight.
//   PyTorch          where /usr/bin/python3 has torch, tools/bench_torch_layers.py times the GRU
//                    (nn.GRU on a packed sequence) and the cross attention (the original per-caption
//                    loop, 12 words each) at the same shapes on the same number of threads, in the
//                    same run; both times and their ratio are printed.
//
// Usage: bench_layers [--threads N] [--quick] [--no-torch]
// Each measurement is warmed up, then repeated; the median and the best time are reported.
#include <cblas.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "framework/ops/cross_attention.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/gru.h"
#include "framework/ops/reduce.h"

namespace {

struct Timing {
  double median = 0, best = 0;  // seconds
};

Timing time_one(const std::function<void()>& fn, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.front()};
}

// The GEMMs of the op on buffers of its sizes (rows_v = n_img·R, rows_e = n_cap·L): the raw
// scores V Eᵀ alone (forward), and with the backward's d_raw E and d_rawᵀ V.
std::pair<Timing, Timing> time_gemms(int64_t rows_v, int64_t rows_e, int64_t d, int warmup, int reps) {
  std::vector<float> v(rows_v * d, 0.01f), e(rows_e * d, 0.02f), raw(rows_v * rows_e), dv(rows_v * d), de(rows_e * d);
  const int m = static_cast<int>(rows_v), n = static_cast<int>(rows_e), k = static_cast<int>(d);
  auto forward = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.f, v.data(), k, e.data(), k, 0.f, raw.data(), n);
  };
  auto all = [&] {
    forward();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, k, n, 1.f, raw.data(), n, e.data(), k, 0.f, dv.data(), k);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, k, m, 1.f, raw.data(), n, v.data(), k, 0.f, de.data(), k);
  };
  return {time_one(forward, warmup, reps), time_one(all, warmup, reps)};
}

// Returns the fwd+bwd median (ms) of each option set on the equal-length layout, by option name.
std::map<std::string, double> bench_cross_attention(bool quick) {
  std::map<std::string, double> equal_length_ms;
  const int64_t n_img = 128, n_cap = 128, R = 36, d = 1024;
  const int warmup = 1, reps = quick ? 3 : 7;
  std::printf("cross_attention: %lld images x %lld captions, R=%lld, d=%lld, float32\n", static_cast<long long>(n_img),
              static_cast<long long>(n_cap), static_cast<long long>(R), static_cast<long long>(d));
  std::printf("  %-34s %-18s %12s %12s %12s\n", "options", "captions", "fwd ms", "fwd+bwd ms", "best ms");
  fw::Generator gen(1);
  struct Layout {
    const char* name;
    int64_t L;
    std::vector<int64_t> lens;
  };
  std::vector<int64_t> mixed(n_cap);
  for (int64_t c = 0; c < n_cap; ++c) mixed[c] = 8 + static_cast<int64_t>(gen.below(11));  // 8..18
  const std::vector<Layout> layouts{{"L=12 (all 12)", 12, std::vector<int64_t>(n_cap, 12)},
                                    {"L=18 (lens 8..18)", 18, mixed}};
  const std::vector<fw::CrossAttentionOptions> configs{
      {fw::CrossAttn::T2I, fw::RawFeatureNorm::ClippedL2Norm, fw::Aggregation::LogSumExp, 9.0, 6.0},
      {fw::CrossAttn::I2T, fw::RawFeatureNorm::ClippedL2Norm, fw::Aggregation::LogSumExp, 4.0, 5.0}};
  const fw::Tensor images = fw::Tensor::uniform({n_img, R, d}, -0.05, 0.05, gen).set_requires_grad();
  for (const Layout& layout : layouts) {
    const fw::Tensor captions = fw::Tensor::uniform({n_cap, layout.L, d}, -0.05, 0.05, gen).set_requires_grad();
    const fw::Tensor w = fw::Tensor::uniform({n_img, n_cap}, -1, 1, gen);
    for (const auto& o : configs) {
      const std::string name =
          std::string(fw::to_string(o.direction)) + " " + fw::to_string(o.norm) + " " + fw::to_string(o.agg);
      const Timing fwd = time_one([&] { fw::cross_attention_scores(images, captions, layout.lens, o); }, warmup, reps);
      const Timing both = time_one(
          [&] {
            images.zero_grad();
            captions.zero_grad();
            fw::sum(fw::cross_attention_scores(images, captions, layout.lens, o) * w).backward();
          },
          warmup, reps);
      std::printf("  %-34s %-18s %12.1f %12.1f %12.1f\n", name.c_str(), layout.name, fwd.median * 1e3,
                  both.median * 1e3, both.best * 1e3);
      if (&layout == &layouts.front()) equal_length_ms[name] = both.median * 1e3;
    }
    const auto [forward, all] = time_gemms(n_img * R, n_cap * layout.L, d, warmup, reps);
    std::printf("  %-34s %-18s %12.1f %12.1f %12.1f\n", "baseline: its GEMMs alone (cblas)", layout.name,
                forward.median * 1e3, all.median * 1e3, all.best * 1e3);
  }
  return equal_length_ms;
}

// The shapes of tools/bench_torch_layers.py's GRU workload.
Timing bench_gru(bool quick) {
  const int64_t B = 128, T = 20, in = 300, H = 1024;
  const int warmup = 1, reps = quick ? 3 : 7;
  std::printf("gru: batch %lld, T=%lld (lengths 8..20), input %lld, hidden %lld, bidirectional, float32\n",
              static_cast<long long>(B), static_cast<long long>(T), static_cast<long long>(in),
              static_cast<long long>(H));
  fw::Generator gen(3);
  std::vector<int64_t> lengths(B);
  for (int64_t b = 0; b < B; ++b) lengths[b] = 8 + (5 * b) % 13;
  const fw::Tensor x = fw::Tensor::uniform({B, T, in}, -0.1, 0.1, gen).set_requires_grad();
  const fw::Tensor w = fw::Tensor::uniform({B, T, 2 * H}, -1, 1, gen);
  std::vector<fw::Tensor> weights;  // PyTorch's init U(-1/sqrt(H), 1/sqrt(H)), per direction
  for (int i = 0; i < 8; ++i) {
    const fw::Shape shape = i % 4 == 0 ? fw::Shape{3 * H, in} : i % 4 == 1 ? fw::Shape{3 * H, H} : fw::Shape{3 * H};
    weights.push_back(fw::Tensor::uniform(shape, -1.0 / 32, 1.0 / 32, gen).set_requires_grad());
  }
  const Timing t = time_one(
      [&] {
        x.zero_grad();
        for (const fw::Tensor& p : weights) p.zero_grad();
        fw::sum(fw::gru(x, lengths, weights, 1, true).output * w).backward();
      },
      warmup, reps);
  std::printf("  %-34s %12.1f %12.1f\n", "fwd+bwd ms (median, best)", t.median * 1e3, t.best * 1e3);
  return t;
}

// Runs tools/bench_torch_layers.py and returns its JSON, or a null value (with the reason printed).
nlohmann::json run_torch_baseline(int threads, bool quick) {
  const char* python = "/usr/bin/python3";
  if (access(python, X_OK) != 0) {
    std::printf("PyTorch baseline: skipped (%s not found)\n", python);
    return nullptr;
  }
  const std::string command = std::string(python) + " " + SCAN_SOURCE_DIR + "/tools/bench_torch_layers.py --threads " +
                              std::to_string(threads) + (quick ? " --quick" : "");
  std::printf("PyTorch baseline: %s\n", command.c_str());
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::printf("PyTorch baseline: skipped (popen failed)\n");
    return nullptr;
  }
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = pclose(pipe);
  const nlohmann::json result = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (status != 0 || !result.is_object()) {
    std::printf("PyTorch baseline: not available (exit status %d; is python3-torch installed?)\n", status);
    return nullptr;
  }
  return result;
}

void print_comparison(const nlohmann::json& torch, const Timing& gru, const std::map<std::string, double>& xattn) {
  std::printf("vs PyTorch %s (%d threads), forward + backward, median ms:\n",
              torch["torch_version"].get<std::string>().c_str(), torch["threads"].get<int>());
  std::printf("  %-54s %10s %12s %16s\n", "workload", "ours", "PyTorch", "PyTorch / ours");
  auto row = [](const std::string& name, double ours, double theirs) {
    std::printf("  %-54s %10.1f %12.1f %16.2f\n", name.c_str(), ours, theirs, theirs / ours);
  };
  row("gru (nn.GRU, packed)", gru.median * 1e3, torch["gru"]["median_ms"]);
  for (const auto& [key, name] : {std::pair{"cross_attention_t2i", "t2i clipped_l2norm LogSumExp"},
                                  std::pair{"cross_attention_i2t", "i2t clipped_l2norm LogSumExp"}}) {
    const auto ours = xattn.find(name);
    if (ours != xattn.end()) row(std::string(name) + " L=12 (per-caption loop)", ours->second, torch[key]["median_ms"]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, with_torch = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--no-torch") {
      with_torch = false;
    } else if (arg == "--threads" && i + 1 < argc) {
      fw::set_num_threads(std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: bench_layers [--threads N] [--quick] [--no-torch]\n");
      return 2;
    }
  }
  std::printf("threads: %d\n", fw::num_threads());
  const std::map<std::string, double> xattn = bench_cross_attention(quick);
  const Timing gru = bench_gru(quick);
  if (with_torch) {
    const nlohmann::json torch = run_torch_baseline(fw::num_threads(), quick);
    if (!torch.is_null()) print_comparison(torch, gru, xattn);
  }
  return 0;
}
