#include "models/scan/train/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace scan {

namespace {

std::string printf_string(const char* format, auto... values) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, values...);
  return buffer;
}

constexpr int kBarWidth = 20;

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto total = static_cast<long long>(std::llround(seconds));
  const long long hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  if (hours > 0) return printf_string("%lld:%02lld:%02lld", hours, minutes, secs);
  return printf_string("%02lld:%02lld", minutes, secs);
}

std::string format_log_line(const StepReport& s) {
  return printf_string("Epoch: [%d][%lld/%lld]\tEit %lld\tlr %g\tLe %.4f (%.4f)\t|g| %.4f\tTime %.3f (%.3f)", s.epoch,
                       static_cast<long long>(s.index + 1), static_cast<long long>(s.batches),
                       static_cast<long long>(s.iteration), s.lr, s.loss, s.mean_loss, s.grad_norm, s.seconds,
                       s.mean_seconds);
}

std::string format_progress_bar(const StepReport& s) {
  const int64_t done = s.index + 1;
  const auto filled = static_cast<int>(s.batches > 0 ? done * kBarWidth / s.batches : 0);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(kBarWidth - filled), '.');
  const double rate = s.mean_seconds > 0 ? 1.0 / s.mean_seconds : 0.0;
  const double eta = s.mean_seconds * static_cast<double>(s.batches - done);
  return printf_string("Epoch [%d] [%s] %lld/%lld  %.2f it/s  ETA %s  loss %.4f (%.4f)", s.epoch, bar.c_str(), static_cast<long long>(done), static_cast<long long>(s.batches), rate,
                       format_duration(eta).c_str(), s.loss, s.mean_loss);
}

Progress::Progress(std::ostream& out, bool terminal, int64_t log_step)
    : out_(out), terminal_(terminal), log_step_(log_step > 0 ? log_step : 1) {}

bool Progress::stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

void Progress::step(const StepReport& step) {
  if (!terminal_) {
    if (step.iteration % log_step_ == 0) out_ << format_log_line(step) << '\n' << std::flush;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool last = step.index + 1 == step.batches;
  if (!last && line_open_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  // "\x1b[K" clears what a longer previous line left to the right.
  out_ << '\r' << format_progress_bar(step) << "\x1b[K" << std::flush;
  line_open_ = true;
}

void Progress::finish_line() {
  if (line_open_) out_ << '\n';
  line_open_ = false;
}

void Progress::end_epoch() {
  finish_line();
  out_ << std::flush;
}

void Progress::print(const std::string& text) {
  finish_line();
  out_ << text << std::flush;
}

}  // namespace scan
