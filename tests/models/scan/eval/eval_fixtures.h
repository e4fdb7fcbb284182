#pragma once
// Score matrices shared by the evaluation tests, with their hand-computed rankings.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "framework/core/tensor.h"

namespace scan::testing {

// 2 images x 10 captions; captions 0..4 belong to image 0, 5..9 to image 1.
//
// i2t (rows, ground truth marked *):
//   image 0 order: 5(.95) 1*(.7) 8(.6) 6(.5) 7(.4) 2*(.3) 3*(.2) 0*(.1) 9(.05) 4*(0)
//            -> best ground truth caption 1 at position 1: rank 1, top1 5
//   image 1 order: 0(.8) 4(.75) 1(.7) 3(.65) 2(.6) 5*(.4) 7*(.35) 6*(.25) 8*(.15) 9*(.05)
//            -> best ground truth caption 5 at position 5: rank 5, top1 0
// t2i (columns, scores of image 0 / image 1, ground truth image k = j / 5):
//   c0 .1/.8 -> 1   c1 .7/.7 -> 0 (tie, image 0 has the smaller index)   c2 .3/.6 -> 1
//   c3 .2/.65 -> 1  c4 0/.75 -> 1   c5 .95/.4 -> 1   c6 .5/.25 -> 1   c7 .4/.35 -> 1
//   c8 .6/.15 -> 1  c9 .05/.05 -> 1 (tie, image 0 comes first)
//   top1: 1 0 1 1 1 0 0 0 0 0
// Metrics: i2t ranks {1, 5}: R@1 0, R@5 50, R@10 100, medr floor(3)+1 = 4, meanr 3+1 = 4.
//          t2i ranks {1,0,1,1,1,1,1,1,1,1}: R@1 10, R@5 100, R@10 100, medr 1+1 = 2, meanr 0.9+1 = 1.9.
//          rsum 360, ar 50, ari 70.
template <typename T>
fw::Tensor hand_sims() {
  return fw::Tensor::from_vector<T>({0.1, 0.7, 0.3, 0.2, 0.0, 0.95, 0.5, 0.4, 0.6, 0.05,   //
                                     0.8, 0.7, 0.6, 0.65, 0.75, 0.4, 0.25, 0.35, 0.15, 0.05},
                                    {2, 10});
}

// 5 folds of 2 images (10 x 50). Outside the diagonal fold blocks every score is 100, so any
// leak across folds would wreck the ranks. Folds 0 and 1 are perfect (ground truth 1, others
// 0); folds 2..4 are worst (ground truth 0, others 1):
//   perfect: i2t ranks {0, 0}, t2i ranks all 0 -> 100 100 100 1 1 | 100 100 100 1 1, rsum 600
//   worst:   i2t ranks {5, 5} (the other image's 5 captions first) -> 0 0 100 6 6,
//            t2i ranks all 1 -> 0 100 100 2 2, rsum 300, ar 33.3, ari 66.7
// Means: i2t 40 40 100 4 4 | t2i 40 100 100 1.6 1.6, rsum (2*600 + 3*300) / 5 = 420, ar 60, ari 80.
inline fw::Tensor fold_sims() {
  const int64_t n_img = 10, n_cap = 50;
  std::vector<double> values(n_img * n_cap, 100.0);
  for (int64_t f = 0; f < 5; ++f) {
    const bool perfect = f < 2;
    for (int64_t k = 2 * f; k < 2 * f + 2; ++k)
      for (int64_t j = 10 * f; j < 10 * f + 10; ++j)
        values[k * n_cap + j] = (j / 5 == k) == perfect ? 1.0 : 0.0;
  }
  return fw::Tensor::from_vector<double>(values, {n_img, n_cap});
}

// Reference ranking by an explicit stable descending sort (see ranking.h for the tie rule).
inline std::vector<int64_t> stable_descending_order(const std::vector<double>& scores) {
  std::vector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  return order;
}

inline int64_t position_of(const std::vector<int64_t>& order, int64_t candidate) {
  return std::find(order.begin(), order.end(), candidate) - order.begin();
}

}  // namespace scan::testing
