#include "models/scan/visual/alignment.h"

#include <algorithm>
#include <cmath>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"
#include "framework/ops/cross_attention.h"

namespace scan {

namespace {

// cos(x, Σ_k w_k y_k) for rows of dense float32 matrices: x one row of `d` values, ys `n` rows.
double cosine_with_mixture(const float* x, const float* ys, const double* weights, int64_t n, int64_t d) {
  std::vector<double> mixed(static_cast<size_t>(d), 0.0);
  for (int64_t k = 0; k < n; ++k)
    for (int64_t i = 0; i < d; ++i) mixed[i] += weights[k] * ys[k * d + i];
  double dot = 0, xx = 0, mm = 0;
  for (int64_t i = 0; i < d; ++i) {
    dot += x[i] * mixed[i];
    xx += static_cast<double>(x[i]) * x[i];
    mm += mixed[i] * mixed[i];
  }
  return dot / std::max(std::sqrt(xx) * std::sqrt(mm), 1e-8);  // the op's clamp of the norms' product
}

std::vector<double> as_doubles(const fw::Tensor& t) {
  const fw::Tensor dense = t.to(fw::Device::cpu()).contiguous();
  std::vector<double> out(static_cast<size_t>(dense.numel()));
  const float* values = dense.data<float>();
  for (size_t i = 0; i < out.size(); ++i) out[i] = values[i];
  return out;
}

}  // namespace

int64_t PairAlignment::top_region(int64_t word) const {
  const double* row = &t2i[word * regions];
  return std::max_element(row, row + regions) - row;
}

bool PairAlignment::is_special(int64_t word) const {
  const std::string& w = words[word];
  return w == "<pad>" || w == "<start>" || w == "<end>";
}

PairAlignment align_pair(const ScanModel& model, const fw::Tensor& features, const std::vector<int64_t>& ids,
                         const Vocabulary& vocab) {
  const ScanOptions& opt = model.options();
  fw::check(features.dim() == 2 && features.size(1) == opt.img_dim, "align_pair", "expected region features [R, ",
            opt.img_dim, "], got ", fw::shape_str(features.shape()));
  fw::check(ids.size() >= 2, "align_pair", "expected a caption with <start> and <end>, got ", ids.size(), " tokens");
  const bool known = std::any_of(ids.begin() + 1, ids.end() - 1, [](int64_t id) { return id != Vocabulary::kUnk; });
  fw::check(known, "caption", "none of its words is in the vocabulary (", vocab.size(),
            " words); a caption of only unknown words has nothing to align");

  fw::NoGradGuard no_grad;
  const int64_t R = features.size(0), L = static_cast<int64_t>(ids.size());
  const fw::Tensor images = model.encode_images(features.to(fw::DType::Float32).unsqueeze(0)).contiguous();
  const fw::Tensor id_tensor = fw::Tensor::from_vector<int64_t>(ids, {1, L});
  const fw::Tensor captions = model.encode_captions(id_tensor, {L}).contiguous();

  PairAlignment out;
  for (int64_t id : ids) out.words.push_back(vocab.word(id));
  out.regions = R;
  fw::CrossAttentionOptions attention = opt.cross_attention();
  attention.direction = fw::CrossAttn::T2I;
  out.t2i = as_doubles(fw::cross_attention_weights(images, captions, {L}, attention));
  attention.direction = fw::CrossAttn::I2T;
  out.i2t = as_doubles(fw::cross_attention_weights(images, captions, {L}, attention));
  out.score = model.scores(images, captions, {L}).item();

  const int64_t d = images.size(2);
  const float* v = images.data<float>();
  const float* e = captions.data<float>();
  for (int64_t j = 0; j < L; ++j)
    out.word_relevance.push_back(cosine_with_mixture(e + j * d, v, &out.t2i[j * R], R, d));
  for (int64_t r = 0; r < R; ++r)
    out.region_relevance.push_back(cosine_with_mixture(v + r * d, e, &out.i2t[r * L], L, d));
  return out;
}

}  // namespace scan
