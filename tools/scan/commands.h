#pragma once
// One function per `scan` subcommand; argv[0] is the command name.
namespace scan_tool {

int run_eval_command(int argc, char** argv);
int run_gradcheck_command(int argc, char** argv);
int run_synth_command(int argc, char** argv);
int run_train_command(int argc, char** argv);
int run_vocab_command(int argc, char** argv);

}  // namespace scan_tool
