#pragma once
// The flags of `scan train`: every flag of the original train.py under its name, meaning and
// default, parsed into ScanOptions. Kept apart from the command so that the parsing alone can be
// tested and fuzzed (tests/fuzz/fuzz_train_flags.cpp).
#include <string>

#include "models/scan/options.h"

namespace scan_tool {

struct TrainFlags {
  scan::ScanOptions options;  // validated
  bool demo = false;          // no --data_path, --data_name or --vocab_path: the built-in demo's defaults
  std::string help;           // non-empty for -h/--help: the text to print (options are then unset)
};

// argv[0] is the command name. An unknown argument, a value that does not parse (named with its
// option) or an invalid option value (ScanOptions::validate) is an error.
TrainFlags parse_train_flags(int argc, char** argv);

}  // namespace scan_tool
