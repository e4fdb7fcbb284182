// A checkpoint's metadata (models/scan/checkpoint.h read_checkpoint_metadata): the "opt" JSON of
// the options (ScanOptions::from_json and validate), the counters and the generator states. The
// input is the metadata values in the order below, separated by NUL bytes.
#include <map>

#include "models/scan/checkpoint.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const char* const kKeys[] = {"opt",           "epoch",         "iteration",      "best_rsum",
                                      "best_epoch",    "rng_state",     "step_in_epoch", "epoch_rng_state",
                                      "epoch_loss_sum", "format"};
  constexpr std::size_t kCount = sizeof kKeys / sizeof kKeys[0];
  const std::vector<std::string> values = fuzz::split_fields(fuzz::as_text(data, size), kCount);
  std::map<std::string, std::string> metadata;
  for (std::size_t i = 0; i < values.size(); ++i) metadata[kKeys[i]] = values[i];
  fuzz::expect_accept_or_reject([&] {
    scan::ScanOptions opt;
    scan::TrainingState state;
    scan::read_checkpoint_metadata(metadata, "input.safetensors", opt, state);
    opt.to_json().dump();
  });
  return 0;
}
