#pragma once
// The hinge-based triplet ranking loss of VSE++ and SCAN (ContrastiveLoss in the original).
// scores[i, j] = score(image i, caption j); positives on the diagonal.
//   C_s[i, j]  = max(0, margin + S[i, j] − S[i, i])   (caption retrieval: image i as anchor)
//   C_im[i, j] = max(0, margin + S[i, j] − S[j, j])   (image retrieval: caption j as anchor)
// The diagonal of both is zeroed. With max_violation, only the hardest negative counts:
// max over j of C_s for each row, max over i of C_im for each column. The loss is the SUM
// over the batch (not a mean).
#include "framework/core/tensor.h"

namespace scan {

struct ContrastiveLossOptions {
  double margin = 0.2;
  bool max_violation = false;
};

fw::Tensor contrastive_loss(const fw::Tensor& scores, const ContrastiveLossOptions& options = {});

}  // namespace scan
