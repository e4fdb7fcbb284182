// The safetensors reader (framework/io/safetensors.h): header JSON, entries, data offsets, every
// stored dtype, metadata.
#include "framework/io/safetensors.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::expect_accept_or_reject([&] {
    const fw::SafetensorsFile file = fw::load_safetensors(fuzz::write_input_file(fuzz::as_text(data, size), ".safetensors"));
    for (const auto& [name, tensor] : file.tensors) tensor.contiguous();
  });
  return 0;
}
