// The flags of the original train.py as `scan train` parses them (tools/scan/train_flags.h): the
// input is the arguments, separated by NUL bytes.
#include <cxxopts.hpp>

#include "tests/fuzz/fuzz_target.h"
#include "tools/scan/train_flags.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::vector<std::string> args = fuzz::split_fields(fuzz::as_text(data, size), 64);
  args.insert(args.begin(), "train");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  try {
    scan_tool::parse_train_flags(static_cast<int>(args.size()), argv.data());
  } catch (const fw::Error&) {
  } catch (const cxxopts::exceptions::exception&) {
    // cxxopts's own messages name the option ("Option 'x' does not exist", "Option 'x' is missing
    // an argument"); `scan` prints them as they are.
  }
  return 0;
}
