#include "models/scan/testing/scan_catalogue.h"

#include "models/scan/model/contrastive_loss.h"

namespace scan {

namespace {

using fw::Tensor;
using fw::testing::InputSpec;
using fw::testing::OpCase;

void add_contrastive_loss_cases(std::vector<OpCase>& cases) {
  using V = std::vector<Tensor>;
  // Scores spread over [-1, 1]; hinge kinks and max ties have measure zero.
  cases.push_back({"layers/contrastive_loss/sum", {InputSpec{{4, 4}}},
                   [](const V& x) { return contrastive_loss(x[0], {0.2, false}); }});
  cases.push_back({"layers/contrastive_loss/max_violation", {InputSpec{{4, 4}}},
                   [](const V& x) { return contrastive_loss(x[0], {0.2, true}); }});
}

}  // namespace

const std::vector<OpCase>& scan_catalogue() {
  static const std::vector<OpCase> cases = [] {
    std::vector<OpCase> all = fw::testing::op_catalogue();
    add_contrastive_loss_cases(all);
    return all;
  }();
  return cases;
}

}  // namespace scan
