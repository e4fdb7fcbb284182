// bench_framework: speed of the framework's hot paths next to a baseline measured in the same run.
//
//   matmul     fw::matmul against a direct cblas_sgemm on the same buffers (float32, n³ products):
//              GFLOP/s = 2n³ / time; overhead = time(fw::matmul) / time(cblas_sgemm) - 1.
//   elementwise / reductions on large float32 tensors, in GB/s of the minimum memory traffic
//              (every input read once, every output written once), next to a hand-written
//              OpenMP loop c[i] = a[i] + b[i] that shows what the memory system delivers.
//
// Usage: bench_framework [--threads N] [--quick]
// Each measurement is warmed up, then repeated; the median and the best time are reported.
#include <cblas.h>
#include <cmath>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "framework/autograd/grad_mode.h"
#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/core/tensor.h"
#include "framework/ops/elementwise.h"
#include "framework/ops/linalg.h"
#include "framework/ops/reduce.h"
#include "framework/ops/unary.h"

namespace {

struct Timing {
  double median = 0, best = 0;  // seconds
};

double seconds_of(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Timing summarize(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], times.front()};
}

// Times `a` and `b` alternately (so that both see the same machine state), after warm-up runs.
std::pair<Timing, Timing> time_pair(const std::function<void()>& a, const std::function<void()>& b, int warmup,
                                    int reps) {
  for (int i = 0; i < warmup; ++i) a(), b();
  std::vector<double> ta, tb;
  for (int i = 0; i < reps; ++i) {
    ta.push_back(seconds_of(a));
    tb.push_back(seconds_of(b));
  }
  return {summarize(ta), summarize(tb)};
}

Timing time_one(const std::function<void()>& fn, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) t.push_back(seconds_of(fn));
  return summarize(t);
}

struct Options {
  int threads = 0;  // 0: keep the default
  bool quick = false;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--threads" && i + 1 < argc) {
      options.threads = std::atoi(argv[++i]);
      if (options.threads < 1) throw fw::Error("bench_framework: --threads expects a positive number");
    } else if (arg == "-h" || arg == "--help") {
      std::printf("usage: bench_framework [--threads N] [--quick]\n");
      std::exit(0);
    } else {
      throw fw::Error("bench_framework: unknown argument '" + arg + "' (usage: bench_framework [--threads N] [--quick])");
    }
  }
  return options;
}

void bench_matmul(int64_t n, int warmup, int reps) {
  fw::Generator gen(1);
  const fw::Tensor a = fw::Tensor::uniform({n, n}, -1, 1, gen);
  const fw::Tensor b = fw::Tensor::uniform({n, n}, -1, 1, gen);
  fw::Tensor c = fw::Tensor::empty({n, n});
  const int blas_n = static_cast<int>(n);
  const auto direct = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blas_n, blas_n, blas_n, 1.0f, a.data<float>(), blas_n,
                b.data<float>(), blas_n, 0.0f, c.data<float>(), blas_n);
  };
  fw::Tensor result;
  const auto framework = [&] { result = fw::matmul(a, b); };
  const auto [t_blas, t_fw] = time_pair(direct, framework, warmup, reps);

  // The two must agree (same BLAS call underneath).
  const std::vector<float> x = c.to_vector<float>(), y = result.to_vector<float>();
  double max_diff = 0;
  for (size_t i = 0; i < x.size(); ++i) max_diff = std::max<double>(max_diff, std::abs(x[i] - y[i]));

  const double flops = 2.0 * n * n * n;
  std::printf("matmul %5lld^3   cblas_sgemm %8.1f GFLOP/s (median %7.2f ms, best %7.2f ms)\n", (long long)n,
              flops / t_blas.median * 1e-9, t_blas.median * 1e3, t_blas.best * 1e3);
  std::printf("                 fw::matmul  %8.1f GFLOP/s (median %7.2f ms, best %7.2f ms)\n",
              flops / t_fw.median * 1e-9, t_fw.median * 1e3, t_fw.best * 1e3);
  std::printf("                 overhead of fw::matmul: %+.1f%% (median), %+.1f%% (best); max |difference| %.1e\n",
              (t_fw.median / t_blas.median - 1) * 100, (t_fw.best / t_blas.best - 1) * 100, max_diff);
}

void report_bandwidth(const char* name, const Timing& t, double bytes, double baseline_gbs) {
  const double gbs = bytes / t.median * 1e-9;
  std::printf("%-34s %7.2f GB/s  (median %7.2f ms, best %7.2f ms)  %5.2fx the plain loop\n", name, gbs,
              t.median * 1e3, t.best * 1e3, gbs / baseline_gbs);
}

void bench_memory_bound(int64_t rows, int64_t cols, int warmup, int reps) {
  const int64_t n = rows * cols;
  fw::Generator gen(2);
  const fw::Tensor a = fw::Tensor::uniform({rows, cols}, -1, 1, gen);
  const fw::Tensor b = fw::Tensor::uniform({rows, cols}, -1, 1, gen);
  const double mb = n * 4.0 / (1 << 20);
  std::printf("\nmemory-bound ops on [%lld, %lld] float32 (%.0f MiB per tensor)\n", (long long)rows, (long long)cols,
              mb);

  // Reference: a hand-written loop with the same threads and the same static split.
  fw::Tensor c = fw::Tensor::empty({rows, cols});
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* pc = c.data<float>();
  const int threads = fw::num_threads();
  const auto plain_add = [&] {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) pc[i] = pa[i] + pb[i];
  };
  const Timing t_plain = time_one(plain_add, warmup, reps);
  const double three = 3.0 * 4 * n, two = 2.0 * 4 * n;
  const double baseline = three / t_plain.median * 1e-9;
  report_bandwidth("plain loop c[i] = a[i] + b[i]", t_plain, three, baseline);

  fw::Tensor out;
  report_bandwidth("add(a, b)", time_one([&] { out = fw::add(a, b); }, warmup, reps), three, baseline);
  report_bandwidth("exp(a)", time_one([&] { out = fw::exp(a); }, warmup, reps), two, baseline);
  report_bandwidth("sum(a, -1)", time_one([&] { out = fw::sum(a, -1); }, warmup, reps), 4.0 * n + 4.0 * rows,
                   baseline);
  report_bandwidth("softmax(a, -1)", time_one([&] { out = fw::softmax(a, -1); }, warmup, reps), two, baseline);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    if (options.threads > 0) fw::set_num_threads(options.threads);
    else fw::set_num_threads(fw::num_threads());  // the same count for OpenMP and OpenBLAS
    fw::NoGradGuard no_grad;  // forward speed only: nothing is recorded

    std::printf("bench_framework: %d thread(s), OpenBLAS %s%s\n\n", fw::num_threads(), openblas_get_config(),
                options.quick ? ", --quick" : "");
    const int warmup = options.quick ? 1 : 2;
    const int matmul_reps = options.quick ? 3 : 15;
    bench_matmul(1024, warmup, matmul_reps);
    if (!options.quick) bench_matmul(2048, warmup, 7);
    // 16M floats (64 MiB per tensor), or 4M with --quick.
    if (options.quick) bench_memory_bound(2048, 2048, 1, 5);
    else bench_memory_bound(4096, 4096, 2, 11);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
