// scan: the command-line program. `scan <command> [options]`; `scan <command> --help`.
#include <iostream>
#include <map>
#include <string>

#include "framework/core/error.h"
#include "tools/scan/commands.h"

namespace {

void print_usage() {
  std::cout << "usage: scan <command> [options]\n\n"
               "commands:\n"
               "  attend      draw what a checkpoint aligns in an image-caption pair; --eval: pointing accuracy\n"
               "  bench       SCAN's speed at its real sizes (training step, evaluation) against sgemm\n"
               "  eval        evaluate a checkpoint on a split: recalls, rsum (--fold5: COCO 1K)\n"
               "  gradcheck   float64 finite-difference check of every op in the op catalogue\n"
               "  parity      every op of the catalogue on a device against the CPU (float32)\n"
               "  report      a static HTML page of a checkpoint on a split: recall, pointing, queries, attention\n"
               "  search      rank a split's images for a caption, or its captions for an image\n"
               "  synth       write the built-in synthetic dataset (original on-disk layout)\n"
               "  train       train SCAN (the original train.py flags); no --data_path: the synthetic demo\n"
               "  vocab       build a vocabulary JSON from train and dev captions\n"
               "\n"
               "Run 'scan <command> --help' for the options of a command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, int (*)(int, char**)> commands = {
      {"attend", scan_tool::run_attend_command},
      {"bench", scan_tool::run_bench_command},
      {"eval", scan_tool::run_eval_command},
      {"gradcheck", scan_tool::run_gradcheck_command},
      {"parity", scan_tool::run_parity_command},
      {"report", scan_tool::run_report_command},
      {"search", scan_tool::run_search_command},
      {"synth", scan_tool::run_synth_command},
      {"train", scan_tool::run_train_command},
      {"vocab", scan_tool::run_vocab_command},
  };
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  const auto command = commands.find(argv[1]);
  if (command == commands.end()) {
    std::cerr << "scan: unknown command '" << argv[1] << "'\n";
    print_usage();
    return 2;
  }
  try {
    return command->second(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::cerr << "scan " << argv[1] << ": error: " << e.what() << "\n";
    return 1;
  }
}
