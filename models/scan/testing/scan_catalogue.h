#pragma once
// The gradient-check catalogue as `scan gradcheck` runs it: the framework's op catalogue
// (framework/testing/op_catalogue.h) followed by SCAN's own differentiable pieces (the
// contrastive loss). Test tooling: the scan_testing library, not part of scan_model.
#include <vector>

#include "framework/testing/op_catalogue.h"

namespace scan {

const std::vector<fw::testing::OpCase>& scan_catalogue();

}  // namespace scan
