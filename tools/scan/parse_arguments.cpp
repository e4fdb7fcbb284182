#include <iostream>

#include "framework/core/error.h"
#include "tools/scan/commands.h"

namespace scan_tool {

std::optional<cxxopts::ParseResult> parse_arguments(cxxopts::Options& options, int argc, char** argv) {
  cxxopts::ParseResult args = options.parse(argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\n";
    return std::nullopt;
  }
  if (!args.unmatched().empty()) throw fw::Error("unexpected argument '" + args.unmatched()[0] + "'");
  return args;
}

}  // namespace scan_tool
