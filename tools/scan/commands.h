#pragma once
// One function per `scan` subcommand; argv[0] is the command name.
#include <cxxopts.hpp>
#include <optional>
#include <string>

#include "framework/core/device.h"

namespace scan_tool {

// Parses a command's arguments. Prints the help and returns nothing for -h/--help; an argument
// that is not an option of the command is an error naming it.
std::optional<cxxopts::ParseResult> parse_arguments(cxxopts::Options& options, int argc, char** argv);
// options.parse, but a value that does not parse is an error naming its option
// ("--batch_size: cannot read 'abc' as a value of this option ...").
cxxopts::ParseResult parse_naming_options(cxxopts::Options& options, int argc, char** argv);


// parse_arguments for a command with --threads and --device options: applies --threads and
// returns the device named by --device in `device`.
std::optional<cxxopts::ParseResult> parse_device_command(cxxopts::Options& options, int argc, char** argv,
                                                         fw::Device& device);

// --threads: 0 (all cores) to fw::kMaxThreads, applied to the framework and OpenBLAS.
void apply_threads_flag(int threads);
// --device: "cpu", "cuda" (device 0) or "cuda:<n>"; anything else is an error naming the flag.
fw::Device parse_device_flag(const std::string& text);

int run_attend_command(int argc, char** argv);
int run_bench_command(int argc, char** argv);
int run_eval_command(int argc, char** argv);
int run_gradcheck_command(int argc, char** argv);
int run_parity_command(int argc, char** argv);
int run_report_command(int argc, char** argv);
int run_search_command(int argc, char** argv);
int run_synth_command(int argc, char** argv);
int run_train_command(int argc, char** argv);
int run_vocab_command(int argc, char** argv);

}  // namespace scan_tool
