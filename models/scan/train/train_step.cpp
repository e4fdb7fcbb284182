#include "models/scan/train/train_step.h"

#include <cmath>
#include <limits>

#include "framework/core/error.h"
#include "framework/core/fault.h"
#include "framework/optim/clip_grad.h"

namespace scan {

StepResult train_step(ScanModel& model, fw::optim::Adam& optimizer, const Batch& batch, double grad_clip,
                      const std::string& where) {
  const fw::Tensor img_emb = model.encode_images(batch.images);
  const fw::Tensor cap_emb = model.encode_captions(batch.captions, batch.lengths);
  optimizer.zero_grad();
  const fw::Tensor loss = model.loss(model.scores(img_emb, cap_emb, batch.lengths));
  StepResult result;
  result.loss = loss.item();
  const std::string at = where.empty() ? "" : " at " + where;
  if (!std::isfinite(result.loss))
    throw NonFiniteStep("scan train: the loss is " + std::to_string(result.loss) + at + "; training stopped");
  loss.backward();
  const double max_norm = grad_clip > 0 ? grad_clip : std::numeric_limits<double>::infinity();
  result.grad_norm = fw::optim::clip_grad_norm(model.parameters(), max_norm);
  // A non-finite norm means a NaN or infinite gradient somewhere: the step would spoil every weight.
  if (!std::isfinite(result.grad_norm))
    throw NonFiniteStep("scan train: the gradient norm is " + std::to_string(result.grad_norm) + at +
                        " (loss " + std::to_string(result.loss) + "); training stopped before the update");
  fw::fault_point("train.before_update");
  optimizer.step();
  return result;
}

}  // namespace scan
