// The views and copies of ops/view_ops.cpp through the op catalogue (their value tests, which
// predate this file, are in tests/framework/core/test_tensor.cpp with the Tensor handle).
#include <doctest/doctest.h>

#include "tests/support/catalogue_checks.h"

TEST_CASE("gradcheck: every view catalogue case") { check_catalogue_family("view/"); }
