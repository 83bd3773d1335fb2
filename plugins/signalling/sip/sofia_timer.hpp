// A one-shot timer on the sofia root (sofia thread only). Destroying it cancels it.
#pragma once

#include <chrono>
#include <functional>

struct su_root_s;
struct su_timer_s;

namespace junction::sip {

class SofiaTimer {
 public:
  explicit SofiaTimer(su_root_s* root);
  ~SofiaTimer();
  SofiaTimer(const SofiaTimer&) = delete;
  SofiaTimer& operator=(const SofiaTimer&) = delete;

  /// Runs `fire` once after `delay`, replacing whatever was set before.
  void set(std::chrono::milliseconds delay, std::function<void()> fire);
  void cancel();
  bool armed() const { return armed_; }

  /// For the C trampoline.
  void expired();

 private:
  su_timer_s* timer_ = nullptr;
  std::function<void()> fire_;
  bool armed_ = false;
};

}  // namespace junction::sip
