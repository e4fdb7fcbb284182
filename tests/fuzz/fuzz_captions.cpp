// Caption files and the tokenizer (models/scan/data/captions.h, tokenizer.h): the input read as a
// <split>_caps.txt file and each caption tokenised; then the raw bytes tokenised directly (the
// tokenizer must take any bytes, valid UTF-8 or not).
#include "models/scan/data/captions.h"
#include "models/scan/data/tokenizer.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  fuzz::expect_accept_or_reject([&] {
    for (const std::string& caption : scan::read_captions(fuzz::write_input_file(bytes, "_caps.txt")))
      for (const std::string& token : scan::tokenize_caption(caption))
        if (token.empty()) std::abort();  // the tokenizer never makes an empty token
  });
  fuzz::expect_accept_or_reject([&] { scan::tokenize_caption(bytes); });
  return 0;
}
