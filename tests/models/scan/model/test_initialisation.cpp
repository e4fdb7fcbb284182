// SCAN's initial weights have exactly the distributions the original's PyTorch code draws from
// (docs/fidelity.md, "The initialisation, taken apart"): every parameter, at the size of the
// learning-curve configuration, passes a Kolmogorov-Smirnov test against its uniform law, and
// tensors drawn one after the other from the same generator are uncorrelated.
//   img_enc.fc.weight    U(-r, r), r = sqrt(6) / sqrt(in + out)   (EncoderImagePrecomp.init_weights)
//   img_enc.fc.bias      0
//   txt_enc.embed.weight U(-0.1, 0.1)                              (EncoderText.init_weights)
//   txt_enc.rnn.*        U(-1/sqrt(H), 1/sqrt(H))                  (nn.GRU.reset_parameters)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "framework/core/random.h"
#include "models/scan/model/scan_model.h"

namespace {

// sup |F_n(x) - F(x)| for the uniform law on [-bound, bound].
double ks_distance_to_uniform(std::vector<double> values, double bound) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double worst = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const double cdf = (values[i] + bound) / (2 * bound);
    worst = std::max({worst, std::abs(cdf - static_cast<double>(i) / n), std::abs(static_cast<double>(i + 1) / n - cdf)});
  }
  return worst;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = std::min(a.size(), b.size());
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) sa += a[i], sb += b[i];
  const double ma = sa / n, mb = sb / n;
  for (size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace

TEST_CASE("SCAN's initial weights follow the original's laws: KS tests per parameter, no correlation between them") {
  scan::ScanOptions opt;  // the learning-curve configuration of docs/fidelity.md
  opt.img_dim = 512;
  opt.embed_size = 256;
  opt.word_dim = 128;
  opt.vocab_size = 49;
  opt.bi_gru = true;
  const double xavier = std::sqrt(6.0) / std::sqrt(512.0 + 256.0), gru = 1.0 / std::sqrt(256.0);
  for (uint64_t seed : {0, 1, 2}) {
    CAPTURE(seed);
    fw::Generator gen(seed);
    const scan::ScanModel model(opt, gen);
    std::vector<std::vector<double>> drawn;
    for (const auto& item : model.named_parameters()) {
      const auto& name = item.first;
      const auto& param = item.second;
      CAPTURE(name);
      const std::vector<double> values = param.to(fw::DType::Float64).to_vector<double>();
      if (name == "img_enc.fc.bias") {
        CHECK(std::all_of(values.begin(), values.end(), [](double v) { return v == 0; }));
        continue;
      }
      const double bound = name == "img_enc.fc.weight" ? xavier : name == "txt_enc.embed.weight" ? 0.1 : gru;
      // The 0.1% critical value of the KS statistic is 1.95 / sqrt(n).
      const double critical = 1.95 / std::sqrt(static_cast<double>(values.size()));
      CHECK(ks_distance_to_uniform(values, bound) < critical);
      CHECK(*std::max_element(values.begin(), values.end()) <= bound);  // float32 rounding may reach it
      CHECK(*std::min_element(values.begin(), values.end()) >= -bound);
      drawn.push_back(values);
    }
    // Consecutive draws of one generator: no linear relation between any two tensors.
    for (size_t a = 0; a < drawn.size(); ++a)
      for (size_t b = a + 1; b < drawn.size(); ++b) {
        CAPTURE(a);
        CAPTURE(b);
        CHECK(std::abs(correlation(drawn[a], drawn[b])) < 4.0 / std::sqrt(double(std::min(drawn[a].size(), drawn[b].size()))));
      }
  }
}
