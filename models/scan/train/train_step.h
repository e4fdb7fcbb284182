#pragma once
// One SCAN training iteration, exactly as the original train.py's train_emb runs it:
//   img_emb = img_enc(images); cap_emb = txt_enc(captions, lengths)
//   zero_grad; loss = ContrastiveLoss(scores(img_emb, cap_emb)); loss.backward()
//   clip_grad_norm_(params, grad_clip)   (grad_clip <= 0: not clipped, the norm still measured)
//   Adam step
// The trainer runs it for every batch; tests/models/scan/train/test_training_parity.cpp runs it
// against a PyTorch training loop step by step.
#include <string>

#include "framework/core/error.h"
#include "framework/optim/adam.h"
#include "models/scan/data/batch.h"
#include "models/scan/model/scan_model.h"

namespace scan {

struct StepResult {
  double loss = 0;       // the batch's loss, before the step
  double grad_norm = 0;  // the global gradient norm before clipping
};

// A loss or gradient that is NaN or infinite.
class NonFiniteStep : public fw::Error {
 public:
  using fw::Error::Error;
};

// Throws NonFiniteStep (naming the iteration given in `where`) if the loss or the gradient norm
// is not finite; the weights and the optimizer's state are then left as they were.
StepResult train_step(ScanModel& model, fw::optim::Adam& optimizer, const Batch& batch, double grad_clip,
                      const std::string& where = "");

}  // namespace scan
