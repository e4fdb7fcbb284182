#include "models/scan/eval/query.h"

#include <algorithm>
#include <numeric>

#include "framework/autograd/grad_mode.h"
#include "framework/core/error.h"

namespace scan {

namespace {

std::vector<double> doubles(const fw::Tensor& t) {
  const std::vector<float> values = t.contiguous().to_vector<float>();
  return {values.begin(), values.end()};
}

}  // namespace

std::vector<double> score_caption(const ScanModel& model, const Embeddings& embeddings,
                                  const std::vector<int64_t>& ids) {
  fw::check(ids.size() >= 2, "score_caption", "expected a caption with <start> and <end>, got ", ids.size(), " tokens");
  fw::NoGradGuard no_grad;
  const int64_t L = static_cast<int64_t>(ids.size());
  const fw::Tensor caption = model.encode_captions(fw::Tensor::from_vector<int64_t>(ids, {1, L}), {L});
  return doubles(model.scores(embeddings.images, caption, {L}));  // [n_img, 1]
}

std::vector<double> score_image(const ScanModel& model, const Embeddings& embeddings, int64_t image) {
  fw::check(image >= 0 && image < embeddings.num_images(), "--image", "expected an image index from 0 to ",
            embeddings.num_images() - 1, ", got ", image);
  fw::NoGradGuard no_grad;
  return doubles(model.scores(embeddings.images.narrow(0, image, 1), embeddings.captions, embeddings.lengths));
}

std::vector<int64_t> ranked(const std::vector<double>& scores, int64_t k) {
  std::vector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  const int64_t n = std::min<int64_t>(std::max<int64_t>(k, 0), static_cast<int64_t>(scores.size()));
  std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](int64_t a, int64_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  });
  order.resize(static_cast<size_t>(n));
  return order;
}

}  // namespace scan
