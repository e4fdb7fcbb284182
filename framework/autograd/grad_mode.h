#pragma once
// Whether ops record the graph. Off inside backward() and in evaluation code:
//   { fw::NoGradGuard no_grad; auto scores = model(x); }   // nothing is recorded
namespace fw {

bool grad_enabled();

class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace fw
