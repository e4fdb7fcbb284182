// The object annotations reader ({split}_objects.json, models/scan/visual/pointing.h) of a split
// of two images, then every annotation read back.
#include <cmath>

#include "models/scan/visual/pointing.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::expect_accept_or_reject([&] {
    const auto images = scan::load_objects(fuzz::write_input_file(fuzz::as_text(data, size), ".json"), 2);
    if (images.size() != 2) std::abort();  // accepted another image count
    for (const auto& objects : images)
      for (const scan::AnnotatedObject& o : objects)
        if (!(o.box.x1 < o.box.x2 && o.box.y1 < o.box.y2)) std::abort();  // accepted an empty box
  });
  return 0;
}
