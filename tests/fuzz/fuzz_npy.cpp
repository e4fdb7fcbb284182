// The .npy reader (models/scan/data/npy_header.h, npy.h): the header parsed from memory, then the
// whole file memory-mapped and read as the data pipeline reads region features.
#include <algorithm>
#include <vector>

#include "models/scan/data/npy.h"
#include "models/scan/data/npy_header.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  fuzz::expect_accept_or_reject([&] { scan::parse_npy_header(bytes, "input.npy"); });
  fuzz::expect_accept_or_reject([&] {
    const scan::NpyArray array(fuzz::write_input_file(bytes, ".npy"));
    if (array.shape().empty()) return;
    array.first_non_finite_row();
    const int64_t rows = std::min<int64_t>(array.rows(), 3);
    const fw::Tensor head = array.read_rows(0, rows);
    std::vector<double> row(static_cast<std::size_t>(array.row_numel()));
    if (array.rows() > 0) array.copy_row(array.rows() - 1, row.data());
  });
  return 0;
}
