#pragma once
// What training prints while it runs. On a terminal, one line redrawn in place with '\r':
//   Epoch [3] [##..................] 120/1133  4.00 it/s  ETA 04:13  loss 51.2340 (55.1012)
// Otherwise (a file or a pipe) the original's log line every log_step iterations:
//   Epoch: [3][120/1133]	Eit 3519	lr 0.0002	Le 51.2340 (55.1012)	|g| 3.1416	Time 0.231 (0.240)
// [120/1133] counts the batches done in the epoch (the original prints the 0-based index, 119);
// "Le" is the loss of the iteration and, in brackets, its mean over the epoch so far; "|g|" the
// gradient norm before clipping; "Time" the seconds of the iteration and their mean. Epochs count
// from 0, as in the checkpoint names. Other messages (validation results) go through print(),
// which first ends a progress line that is being redrawn.
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace scan {

// One training iteration, as reported to the display.
struct StepReport {
  int epoch = 0;
  int64_t index = 0;    // 0-based position of the batch within the epoch
  int64_t batches = 0;  // batches per epoch
  int64_t iteration = 0;  // global, counted from 1 (the original's Eiters)
  double loss = 0, mean_loss = 0;
  double lr = 0, grad_norm = 0;
  double seconds = 0, mean_seconds = 0;  // of this iteration / per iteration over the epoch so far
};

// The plain log line (no trailing newline).
std::string format_log_line(const StepReport& step);
// The terminal progress line (no '\r', no newline).
std::string format_progress_bar(const StepReport& step);
// Seconds as "MM:SS", or "H:MM:SS" from one hour on.
std::string format_duration(double seconds);

class Progress {
 public:
  Progress(std::ostream& out, bool terminal, int64_t log_step);

  // After every iteration: redraws the bar (terminal, at most ten times a second and always on the
  // last batch) or writes a log line when step.iteration is a multiple of log_step (otherwise).
  void step(const StepReport& step);
  // Ends the progress line, if one is shown.
  void end_epoch();
  // Prints `text` (ending in '\n') on lines of its own.
  void print(const std::string& text);

  bool terminal() const { return terminal_; }
  static bool stdout_is_terminal();

 private:
  void finish_line();

  std::ostream& out_;
  bool terminal_;
  int64_t log_step_;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace scan
