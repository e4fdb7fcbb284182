// `scan bench`: SCAN's speed at its real sizes, next to the machine's own sgemm rate measured in
// the same run (and, with --torch, PyTorch on the same shapes and threads).
//   step     one training step (scan::train_step, what `scan train` runs per batch)
//   profile  the same step split into its phases, and the backward into its ops
//   eval     all-pairs evaluation of --images images x 5 captions each: encoding, scores, recall
// Sizes and FLOPs: models/scan/bench/bench_workloads.h. Each time is the median of --reps runs
// after --warmup runs; sgemm (fw::matmul, float32, 2048^3) is timed between the runs, so that
// both see the same machine. docs/benchmarks.md keeps the results.
#include <cxxopts.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "framework/autograd/backward_profile.h"
#include "framework/autograd/grad_mode.h"
#include "framework/core/allocator.h"
#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/core/random.h"
#include "framework/io/atomic_file.h"
#include "framework/ops/linalg.h"
#include "framework/optim/clip_grad.h"
#include "models/scan/bench/bench_workloads.h"
#include "models/scan/eval/evaluator.h"
#include "models/scan/eval/streamed_scores.h"
#include "models/scan/train/train_step.h"
#include "tools/scan/bench_torch.h"
#include "tools/scan/commands.h"
#include "tools/scan/process_stats.h"

namespace scan_tool {

namespace {

double seconds_of(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  fw::check(!values.empty(), "scan bench", "no measurement to take the median of");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::vector<double> to_ms(const std::vector<double>& seconds) {
  std::vector<double> ms;
  for (const double s : seconds) ms.push_back(s * 1e3);
  return ms;
}

// The machine's sgemm rate: one fw::matmul (a cblas_sgemm call) of n x n float32 matrices.
class SgemmProbe {
 public:
  explicit SgemmProbe(int64_t n) : n_(n) {
    fw::Generator gen(11);
    a_ = fw::Tensor::uniform({n, n}, -1, 1, gen);
    b_ = fw::Tensor::uniform({n, n}, -1, 1, gen);
    measure();  // warm-up
    seconds_.clear();
  }
  void measure() {
    fw::NoGradGuard no_grad;
    seconds_.push_back(seconds_of([&] { fw::matmul(a_, b_); }));
  }
  double gflops() const { return 2.0 * static_cast<double>(n_ * n_ * n_) / median(seconds_) / 1e9; }
  int64_t samples() const { return static_cast<int64_t>(seconds_.size()); }
  int64_t n() const { return n_; }

 private:
  int64_t n_;
  fw::Tensor a_, b_;
  std::vector<double> seconds_;
};

struct Settings {
  scan::BenchSizes sizes;
  int reps = 5, warmup = 2, eval_images = 1000, rounds = 1;
  int64_t torch_image_shards = 1;
  uint64_t seed = 1;
  std::vector<std::string> torch_styles;  // empty: no PyTorch baseline
};

std::string gb(int64_t bytes) {
  std::ostringstream out;
  out.precision(2);
  out << std::fixed << static_cast<double>(bytes) / (1 << 30) << " GiB";
  return out.str();
}

void print_rate(const char* who, double seconds, double flops, const SgemmProbe& sgemm) {
  const double rate = flops / seconds / 1e9;
  std::printf("  %-22s %10.1f ms  %8.1f GFLOP/s  %5.2f of sgemm\n", who, seconds * 1e3, rate, rate / sgemm.gflops());
}

// The step and, with a PyTorch baseline, the same step in each style, in alternating blocks.
nlohmann::json bench_step(const Settings& s, SgemmProbe& sgemm) {
  const scan::BenchSource source(s.sizes, s.sizes.batch_size, s.seed);
  const scan::Batch batch = scan::bench_batch(source);
  const int64_t tokens = source.tokens(batch.items);
  const double flops = scan::train_step_flops(s.sizes, batch.size(), tokens);
  std::printf("step: batch %lld, %lld x %lld regions, embed %lld, word_dim %lld, bi-GRU, t2i clipped_l2norm Mean "
              "lambda1 9, hardest negatives; %lld tokens; %.1f GFLOP\n",
              static_cast<long long>(batch.size()), static_cast<long long>(s.sizes.regions),
              static_cast<long long>(s.sizes.img_dim), static_cast<long long>(s.sizes.embed_size),
              static_cast<long long>(s.sizes.word_dim), static_cast<long long>(tokens), flops / 1e9);
  fw::allocator(fw::Device::cpu()).release_cached();  // what earlier workloads left in the cache
  reset_peak_resident();
  fw::Generator gen(s.seed);
  scan::ScanModel model(scan::bench_options(s.sizes), gen);
  fw::optim::Adam adam(model.named_parameters(), fw::optim::AdamOptions{.lr = 2e-4});
  std::vector<double> ours;
  std::map<std::string, std::vector<double>> torch;
  std::map<std::string, int64_t> torch_peak;
  std::string torch_version;
  int64_t faults = 0;
  for (int round = 0; round < s.rounds; ++round) {
    // Warmed up again after each PyTorch block: its process evicted our caches, and the fork that
    // started it left our pages copy-on-write, one page fault each on the next write.
    for (int i = 0; i < s.warmup; ++i) scan::train_step(model, adam, batch, 2.0);
    for (int i = 0; i < s.reps; ++i) {
      sgemm.measure();
      const int64_t faults_before = minor_page_faults();
      ours.push_back(seconds_of([&] { scan::train_step(model, adam, batch, 2.0); }));
      faults += minor_page_faults() - faults_before;
    }
    for (const std::string& style : s.torch_styles) {
      const TorchRuns t = run_torch_bench("step", style, s.sizes, batch.lengths, s.reps, s.warmup);
      torch[style].insert(torch[style].end(), t.seconds.begin(), t.seconds.end());
      torch_peak[style] = std::max(torch_peak[style], t.peak_resident_bytes);
      torch_version = t.torch_version;
    }
  }
  const int64_t peak = peak_resident_bytes();
  const double per_step_faults = static_cast<double>(faults) / static_cast<double>(ours.size());
  std::printf("  sgemm %lld^3: %.1f GFLOP/s (median of %lld, between the steps)\n",
              static_cast<long long>(sgemm.n()), sgemm.gflops(), static_cast<long long>(sgemm.samples()));
  print_rate("ours", median(ours), flops, sgemm);
  std::printf("  %-22s peak resident %s, %.0f minor page faults per step\n", "", gb(peak).c_str(), per_step_faults);
  nlohmann::json out = {{"workload", "step"}, {"tokens", tokens}, {"gflop", flops / 1e9},
                        {"ours_ms", median(ours) * 1e3}, {"ours_runs_ms", to_ms(ours)},
                        {"ours_gflops", flops / median(ours) / 1e9}, {"sgemm_gflops", sgemm.gflops()},
                        {"peak_resident_bytes", peak}, {"page_faults_per_step", per_step_faults}};
  for (const auto& [style, times] : torch) {
    const std::string who = "PyTorch " + style;
    print_rate(who.c_str(), median(times), flops, sgemm);
    std::printf("  %-22s peak resident %s; time PyTorch %s / ours: %.2f\n", "", gb(torch_peak[style]).c_str(),
                style.c_str(), median(times) / median(ours));
    out["torch_version"] = torch_version;
    out["torch_" + style + "_ms"] = median(times) * 1e3;
    out["torch_" + style + "_runs_ms"] = to_ms(times);
    out["torch_" + style + "_peak_resident_bytes"] = torch_peak[style];
  }
  return out;
}

// One step with each phase timed on its own; the backward split by op (fw::BackwardProfiler).
nlohmann::json bench_profile(const Settings& s) {
  const scan::BenchSource source(s.sizes, s.sizes.batch_size, s.seed);
  const scan::Batch batch = scan::bench_batch(source);
  fw::Generator gen(s.seed);
  scan::ScanModel model(scan::bench_options(s.sizes), gen);
  fw::optim::Adam adam(model.named_parameters(), fw::optim::AdamOptions{.lr = 2e-4});
  const std::vector<std::string> phases = {"data (collate)", "image encoder", "text encoder (bi-GRU)",
                                           "cross attention", "loss", "backward", "clip_grad_norm", "Adam"};
  std::map<std::string, std::vector<double>> times;
  std::map<std::string, std::vector<double>> backward_ops;
  for (int i = 0; i < s.warmup + s.reps; ++i) {
    std::map<std::string, double> t;
    fw::Tensor img_emb, cap_emb, scores, loss;
    scan::Batch fresh;
    t["data (collate)"] = seconds_of([&] { fresh = scan::collate(source, batch.items); });
    t["image encoder"] = seconds_of([&] { img_emb = model.encode_images(fresh.images); });
    t["text encoder (bi-GRU)"] = seconds_of([&] { cap_emb = model.encode_captions(fresh.captions, fresh.lengths); });
    adam.zero_grad();
    t["cross attention"] = seconds_of([&] { scores = model.scores(img_emb, cap_emb, fresh.lengths); });
    t["loss"] = seconds_of([&] { loss = model.loss(scores); });
    fw::BackwardProfile profile;
    t["backward"] = seconds_of([&] {
      fw::BackwardProfiler profiling(profile);
      loss.backward();
    });
    t["clip_grad_norm"] = seconds_of([&] { fw::optim::clip_grad_norm(model.parameters(), 2.0); });
    t["Adam"] = seconds_of([&] { adam.step(); });
    if (i < s.warmup) continue;
    for (const auto& [phase, seconds] : t) times[phase].push_back(seconds);
    for (const auto& [op, entry] : profile.ops) backward_ops[op].push_back(entry.seconds);
  }
  double total = 0;
  for (const std::string& phase : phases) total += median(times[phase]);
  std::printf("profile of a step (median of %d after %d warm-up), %.1f ms in all:\n", s.reps, s.warmup, total * 1e3);
  nlohmann::json out = {{"workload", "profile"}, {"total_ms", total * 1e3}};
  for (const std::string& phase : phases) {
    const double m = median(times[phase]);
    std::printf("  %-28s %9.1f ms  %5.1f%%\n", phase.c_str(), m * 1e3, 100 * m / total);
    out["phases_ms"][phase] = m * 1e3;
    if (phase != "backward") continue;
    std::vector<std::pair<double, std::string>> ops;
    for (const auto& [op, seconds] : backward_ops) ops.push_back({median(seconds), op});
    std::sort(ops.rbegin(), ops.rend());
    for (const auto& [seconds, op] : ops) {
      if (seconds < 0.001 * total) break;  // the rest is below 0.1% of the step
      std::printf("    backward of %-16s %9.1f ms  %5.1f%%\n", op.c_str(), seconds * 1e3, 100 * seconds / total);
      out["backward_ops_ms"][op] = seconds * 1e3;
    }
  }
  return out;
}

// Encoding, all-pairs scores and recall of --images images x 5 captions.
nlohmann::json bench_eval(const Settings& s, SgemmProbe& sgemm) {
  const scan::BenchSource source(s.sizes, s.eval_images, s.seed);
  const double flops = scan::evaluation_flops(s.sizes, source.num_images(), source.tokens());
  std::printf("eval: %lld images x %lld captions, %lld tokens; %.0f GFLOP\n",
              static_cast<long long>(source.num_images()), static_cast<long long>(source.size()),
              static_cast<long long>(source.tokens()), flops / 1e9);
  fw::Generator gen(s.seed);
  const scan::ScanModel model(scan::bench_options(s.sizes), gen);
  std::vector<double> encode, score, recall, total;
  int64_t peak = 0;
  for (int i = 0; i < s.warmup + s.reps; ++i) {
    sgemm.measure();
    fw::allocator(fw::Device::cpu()).release_cached();  // what earlier runs and workloads left in the cache
    reset_peak_resident();
    // Encoding and scoring interleave, chunk by chunk (score_split), so that memory does not grow
    // with the captions; their times are summed apart.
    scan::ScoreTimes times;
    const fw::Tensor sims = scan::score_split(model, source, 128, 128, {}, &times);
    const double e = times.encode_seconds, c = times.score_seconds;
    double rsum = 0;
    const double r = seconds_of([&] { rsum = scan::evaluate_full(sims).metrics.rsum(); });
    peak = std::max(peak, peak_resident_bytes());
    if (i < s.warmup) continue;
    encode.push_back(e), score.push_back(c), recall.push_back(r), total.push_back(e + c + r);
    std::printf("  run %d: encode %.1f s, scores %.1f s, recall %.2f s (rsum %.1f, chance level)\n",
                i - s.warmup + 1, e, c, r, rsum);
  }
  std::map<std::string, TorchRuns> torch;
  std::vector<int64_t> lengths;
  for (int64_t item = 0; item < source.size(); ++item)
    lengths.push_back(static_cast<int64_t>(source.caption(item).size()));
  for (const std::string& style : s.torch_styles) {
    sgemm.measure();
    torch[style] = run_torch_bench("eval", style, s.sizes, lengths, 1, 0, {source.num_images(), s.torch_image_shards});
  }
  sgemm.measure();
  std::printf("  sgemm %lld^3: %.1f GFLOP/s (median of %lld, between the runs)\n",
              static_cast<long long>(sgemm.n()), sgemm.gflops(), static_cast<long long>(sgemm.samples()));
  print_rate("ours", median(total), flops, sgemm);
  std::printf("  %-22s encode %.1f s, scores %.1f s, recall %.2f s; peak resident %s\n", "", median(encode),
              median(score), median(recall), gb(peak).c_str());
  nlohmann::json out = {{"workload", "eval"}, {"images", source.num_images()}, {"captions", source.size()},
                        {"gflop", flops / 1e9}, {"ours_s", median(total)}, {"encode_s", median(encode)},
                        {"scores_s", median(score)}, {"recall_s", median(recall)},
                        {"ours_gflops", flops / median(total) / 1e9}, {"sgemm_gflops", sgemm.gflops()},
                        {"peak_resident_bytes", peak}};
  for (const auto& [style, runs] : torch) {
    const double seconds = runs.seconds.at(0);
    print_rate(("PyTorch " + style).c_str(), seconds, flops, sgemm);
    std::printf("  %-22s encode %.1f s, scores %.1f s (%lld of %lld image shards timed, scaled to all); peak "
                "resident %s; time PyTorch %s / ours: %.2f\n",
                "", runs.details.value("encode_s", 0.0), runs.details.value("scores_s", 0.0),
                static_cast<long long>(runs.details.value("image_shards_timed", int64_t{0})),
                static_cast<long long>(runs.details.value("image_shards", int64_t{0})),
                gb(runs.peak_resident_bytes).c_str(), style.c_str(), seconds / median(total));
    out["torch_version"] = runs.torch_version;
    out["torch_" + style] = runs.details;
  }
  return out;
}

nlohmann::json sizes_json(const scan::BenchSizes& s) {
  return {{"regions", s.regions},     {"img_dim", s.img_dim},     {"embed_size", s.embed_size},
          {"word_dim", s.word_dim},   {"vocab_size", s.vocab_size}, {"min_words", s.min_words},
          {"max_words", s.max_words}, {"batch_size", s.batch_size}};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

}  // namespace

int run_bench_command(int argc, char** argv) {
  cxxopts::Options options("scan bench", "SCAN's speed at its real sizes, against the machine's sgemm rate.");
  options.add_options()
      ("workload", "step, profile, eval, or a comma-separated list",
       cxxopts::value<std::string>()->default_value("step"))
      ("reps", "timed runs of each workload (default: 5 for step and profile, 1 for eval)", cxxopts::value<int>())
      ("warmup", "untimed runs first (default: 2 for step and profile, 0 for eval)", cxxopts::value<int>())
      ("images", "eval: images (5 captions each); 1000 is Flickr30K's test split, 5000 COCO's 5K",
       cxxopts::value<int>()->default_value("1000"))
      ("torch", "PyTorch baselines in these styles, interleaved with ours: loop (the original's per-caption "
       "loop), batched, or both ('loop,batched'); needs /usr/bin/python3 with torch",
       cxxopts::value<std::string>()->default_value(""))
      ("torch_image_shards", "eval with --torch: image shards of 128 whose PyTorch score blocks are timed, then "
       "scaled to all", cxxopts::value<int>()->default_value("1"))
      ("rounds", "step with --torch: alternate ours and PyTorch this many times",
       cxxopts::value<int>()->default_value("2"))
      ("small", "tiny sizes: a quick check that the harness runs, not a measurement")
      ("seed", "seed of the weights and data", cxxopts::value<uint64_t>()->default_value("1"))
      ("json", "also write the results to this JSON file", cxxopts::value<std::string>())
      ("device", "device: cpu (cuda once its backend exists)", cxxopts::value<std::string>()->default_value("cpu"))
      ("threads", "CPU threads (0 = all)", cxxopts::value<int>()->default_value("0"))
      ("h,help", "show this help");
  fw::Device device;
  const auto parsed = parse_device_command(options, argc, argv, device);
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  fw::check(device.is_cpu(), "scan bench", "--device ", device.str(),
            ": only the CPU is benchmarked so far (the trainer and evaluator run on the CPU only)");
  Settings s;
  const bool small = args.count("small") > 0;
  if (small)
    s.sizes = {.regions = 6, .img_dim = 32, .embed_size = 16, .word_dim = 8, .vocab_size = 50, .min_words = 3,
               .max_words = 6, .batch_size = 16};
  s.seed = args["seed"].as<uint64_t>();
  s.eval_images = small && args.count("images") == 0 ? 20 : args["images"].as<int>();
  fw::check(s.eval_images >= 1, "scan bench", "--images: expected at least 1, got ", s.eval_images);
  s.torch_styles = split_list(args["torch"].as<std::string>());
  for (const std::string& style : s.torch_styles)
    fw::check(style == "loop" || style == "batched", "scan bench", "--torch: expected loop or batched, got '", style,
              "'");
  s.rounds = s.torch_styles.empty() ? 1 : args["rounds"].as<int>();
  s.torch_image_shards = args["torch_image_shards"].as<int>();
  fw::check(s.torch_image_shards >= 1, "scan bench", "--torch_image_shards: expected at least 1, got ",
            s.torch_image_shards);
  fw::check(s.rounds >= 1, "scan bench", "--rounds: expected at least 1, got ", s.rounds);

  const std::vector<std::string> workloads = split_list(args["workload"].as<std::string>());
  fw::check(!workloads.empty(), "scan bench", "--workload: expected step, profile or eval");
  for (const std::string& w : workloads)
    fw::check(w == "step" || w == "profile" || w == "eval", "scan bench",
              "--workload: expected step, profile or eval, got '", w, "'");
  std::printf("threads: %d\n", fw::num_threads());
  SgemmProbe sgemm(small ? 256 : 2048);
  nlohmann::json results = {{"threads", fw::num_threads()}, {"small", small}, {"sizes", sizes_json(s.sizes)},
                            {"workloads", nlohmann::json::array()}};
  for (const std::string& w : workloads) {
    Settings ws = s;
    const bool eval = w == "eval";
    ws.reps = args.count("reps") ? args["reps"].as<int>() : eval ? 1 : 5;
    ws.warmup = args.count("warmup") ? args["warmup"].as<int>() : eval ? 0 : 2;
    fw::check(ws.reps >= 1 && ws.warmup >= 0, "scan bench", "--reps must be at least 1 and --warmup at least 0, got ",
              ws.reps, " and ", ws.warmup);
    if (w == "step") results["workloads"].push_back(bench_step(ws, sgemm));
    if (w == "profile") results["workloads"].push_back(bench_profile(ws));
    if (eval) results["workloads"].push_back(bench_eval(ws, sgemm));
    std::fflush(stdout);
  }
  if (args.count("json")) fw::write_file_atomically(args["json"].as<std::string>(), results.dump(2) + "\n");
  return 0;
}

}  // namespace scan_tool
