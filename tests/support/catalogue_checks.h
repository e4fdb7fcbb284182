#pragma once
// Runs the gradcheck of every catalogue case whose name starts with `prefix`, one doctest
// SUBCASE each, so that each op family's test file covers its catalogue entries.
#include <doctest/doctest.h>

#include <string>

#include "framework/autograd/grad_mode.h"
#include "framework/ops/reduce.h"
#include "models/scan/testing/scan_catalogue.h"

inline void check_catalogue_family(const std::string& prefix) {
  int checked = 0;
  for (const auto& c : scan::scan_catalogue()) {
    if (c.name.rfind(prefix, 0) != 0) continue;
    ++checked;
    SUBCASE(c.name.c_str()) {
      const fw::GradcheckResult r = fw::testing::run_gradcheck(c);
      INFO(c.name, " ", fw::testing::describe_inputs(c), ": ", r.worst);
      CHECK(r.elements_checked > 0);
      CHECK(r.passed);
    }
  }
  CHECK(checked > 0);  // a family with no cases is a mistake, not a pass
}
