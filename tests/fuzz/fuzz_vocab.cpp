// The vocabulary JSON reader (models/scan/data/vocab.h), then every id looked up both ways.
#include "models/scan/data/vocab.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::expect_accept_or_reject([&] {
    const scan::Vocabulary vocab = scan::Vocabulary::load(fuzz::write_input_file(fuzz::as_text(data, size), ".json"));
    for (int64_t id = 0; id < vocab.size(); ++id)
      if (vocab.id(vocab.word(id)) != id) std::abort();  // load accepted an inconsistent vocabulary
    vocab.encode_caption("a dog runs on the grass .");
  });
  return 0;
}
