// The training display: the plain log line, the terminal progress bar, and when each is written.
#include <doctest/doctest.h>

#include <sstream>

#include "models/scan/train/progress.h"

namespace {

scan::StepReport example_step() {
  scan::StepReport s;
  s.epoch = 3;
  s.index = 119;
  s.batches = 1133;
  s.iteration = 3519;
  s.loss = 51.234;
  s.mean_loss = 55.10123;
  s.lr = 0.0002;
  s.grad_norm = 3.14159;
  s.seconds = 0.2314;
  s.mean_seconds = 0.25;
  return s;
}

}  // namespace

TEST_CASE("format_log_line writes the original's fields") {
  CHECK(scan::format_log_line(example_step()) ==
        "Epoch: [3][120/1133]\tEit 3519\tlr 0.0002\tLe 51.2340 (55.1012)\t|g| 3.1416\tTime 0.231 (0.250)");
}

TEST_CASE("format_progress_bar shows progress, speed, ETA and loss") {
  // 120 of 1133 done: 2 of 20 bar cells; 4 it/s; ETA = 1013 * 0.25 s = 253 s = 04:13.
  CHECK(scan::format_progress_bar(example_step()) ==
        "Epoch [3] [##..................] 120/1133  4.00 it/s  ETA 04:13  loss 51.2340 (55.1012)");
}

TEST_CASE("format_duration") {
  CHECK(scan::format_duration(0) == "00:00");
  CHECK(scan::format_duration(59.6) == "01:00");
  CHECK(scan::format_duration(3725) == "1:02:05");
  CHECK(scan::format_duration(-1) == "--:--");
}

TEST_CASE("Progress without a terminal writes a log line every log_step iterations only") {
  std::ostringstream out;
  scan::Progress progress(out, /*terminal=*/false, 10);
  scan::StepReport s = example_step();
  s.iteration = 3519;
  progress.step(s);
  CHECK(out.str().empty());
  s.iteration = 3520;
  s.index = 120;
  progress.step(s);
  CHECK(out.str() == scan::format_log_line(s) + "\n");
  progress.print("rsum: 1.0\n");
  CHECK(out.str() == scan::format_log_line(s) + "\nrsum: 1.0\n");
}

namespace {

// The text that draws `s` over the current line.
std::string drawn(const scan::StepReport& s) {
  std::string text = "\r";
  text += scan::format_progress_bar(s);
  text += "\x1b[K";
  return text;
}

}  // namespace

TEST_CASE("Progress on a terminal redraws one line in place and ends it before other output") {
  std::ostringstream out;
  scan::Progress progress(out, /*terminal=*/true, 10);
  scan::StepReport s = example_step();
  progress.step(s);
  CHECK(out.str() == drawn(s));
  s.index = s.batches - 1;  // the last batch is always drawn
  progress.step(s);
  CHECK(out.str().rfind(drawn(s)) != std::string::npos);
  CHECK(out.str().find('\n') == std::string::npos);
  progress.print("rsum: 1.0\n");
  CHECK(out.str().substr(out.str().size() - 11) == "\nrsum: 1.0\n");
  progress.end_epoch();  // nothing open any more: no blank line
  CHECK(out.str().substr(out.str().size() - 11) == "\nrsum: 1.0\n");
}
