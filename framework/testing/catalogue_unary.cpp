#include "framework/testing/op_catalogue.h"

namespace fw::testing {

void add_unary_cases(std::vector<OpCase>& cases) {}

}  // namespace fw::testing
