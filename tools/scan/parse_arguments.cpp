#include <iostream>
#include <string_view>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "tools/scan/commands.h"

namespace scan_tool {

namespace {

// The option whose value is `value` on the command line ("--name value" or "--name=value"),
// or empty.
std::string option_with_value(int argc, char** argv, std::string_view value) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with("-")) continue;
    const std::size_t equals = arg.find('=');
    if (equals != std::string_view::npos) {
      if (arg.substr(equals + 1) == value) return std::string(arg.substr(0, equals));
    } else if (i + 1 < argc && argv[i + 1] == value) {
      return std::string(arg);
    }
  }
  return "";
}

}  // namespace

cxxopts::ParseResult parse_naming_options(cxxopts::Options& options, int argc, char** argv) {
  try {
    return options.parse(argc, argv);
  } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
    // cxxopts says "Argument ‘abc’ failed to parse" without the option: find it.
    const std::string what = e.what();
    const std::size_t open = what.find("\u2018"), close = what.find("\u2019");
    const std::string value = open != std::string::npos && close != std::string::npos && close > open
                                  ? what.substr(open + 3, close - open - 3)
                                  : "";
    const std::string option = option_with_value(argc, argv, value);
    if (option.empty()) throw;
    throw fw::Error(option + ": cannot read '" + value + "' as a value of this option (see --help for its type)");
  }
}

void apply_threads_flag(int threads) {
  fw::check(threads >= 0 && threads <= fw::kMaxThreads, "--threads", "expected a count from 0 (all cores) to ",
            fw::kMaxThreads, ", got ", threads);
  if (threads > 0) fw::set_num_threads(threads);
}

fw::Device parse_device_flag(const std::string& text) {
  if (text == "cpu") return fw::Device::cpu();
  if (text == "cuda") return fw::Device::cuda(0);
  const std::string prefix = "cuda:";
  if (text.rfind(prefix, 0) == 0 && text.size() > prefix.size() && text.size() <= prefix.size() + 3 &&
      text.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
    return fw::Device::cuda(std::stoi(text.substr(prefix.size())));
  throw fw::Error("--device: expected cpu, cuda or cuda:<n>, got '" + text + "'");
}

std::optional<cxxopts::ParseResult> parse_arguments(cxxopts::Options& options, int argc, char** argv) {
  cxxopts::ParseResult args = parse_naming_options(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\n";
    return std::nullopt;
  }
  if (!args.unmatched().empty()) throw fw::Error("unexpected argument '" + args.unmatched()[0] + "'");
  return args;
}

std::optional<cxxopts::ParseResult> parse_device_command(cxxopts::Options& options, int argc, char** argv,
                                                         fw::Device& device) {
  std::optional<cxxopts::ParseResult> args = parse_arguments(options, argc, argv);
  if (!args) return args;
  apply_threads_flag((*args)["threads"].as<int>());
  device = parse_device_flag((*args)["device"].as<std::string>());
  return args;
}

}  // namespace scan_tool
