#define SU_TIMER_ARG_T junction::sip::SofiaTimer
namespace junction::sip {
class SofiaTimer;
}

#include "sofia_timer.hpp"

#include <stdexcept>

#include <sofia-sip/su_wait.h>

namespace junction::sip {

namespace {
void timer_callback(su_root_magic_t*, su_timer_t*, SofiaTimer* timer) { timer->expired(); }
}  // namespace

SofiaTimer::SofiaTimer(su_root_s* root) : timer_(su_timer_create(su_root_task(root), 0)) {
  if (!timer_) throw std::runtime_error("sip: cannot create a sofia timer");
}

SofiaTimer::~SofiaTimer() { su_timer_destroy(timer_); }

void SofiaTimer::set(std::chrono::milliseconds delay, std::function<void()> fire) {
  fire_ = std::move(fire);
  armed_ = true;
  su_timer_set_interval(timer_, timer_callback, this, static_cast<su_duration_t>(delay.count()));
}

void SofiaTimer::cancel() {
  armed_ = false;
  su_timer_reset(timer_);
}

void SofiaTimer::expired() {
  if (!armed_) return;
  armed_ = false;
  auto fire = std::move(fire_);  // the callback may set the timer again or destroy its owner
  fire();
}

}  // namespace junction::sip
