// LD_PRELOAD experiment (see docs/sip-layer-choice.md, "timer spin"): sofia's su_duration()
// truncates to whole milliseconds, so su_timer_expire() turns a timer due in 0.1-0.9 ms into
// an epoll_wait(..., 0) and su_base_port_step() busy-loops until the timer is due. nta arms
// its single agent timer for the next transaction deadline (ms resolution), so with
// thousands of transactions alive the loop spins for part of every millisecond.
// This shim rounds positive durations UP to the next millisecond (calls inside
// libsofia-sip-ua go through the PLT, so the preload takes effect for su_timer_expire).
// Usage: LD_PRELOAD=/tmp/sofia-layers/libsu_duration_ceil.so nta_server ...
#include <sofia-sip/su_time.h>

extern "C" su_duration_t su_duration(su_time_t const t1, su_time_t const t2) {
  long long us = (static_cast<long long>(t1.tv_sec) - static_cast<long long>(t2.tv_sec)) * 1000000LL +
                 (static_cast<long long>(t1.tv_usec) - static_cast<long long>(t2.tv_usec));
  long long ms = us > 0 ? (us + 999) / 1000 : us / 1000;
  if (ms > SU_DURATION_MAX) return SU_DURATION_MAX;
  if (ms < -SU_DURATION_MAX) return -SU_DURATION_MAX;
  return static_cast<su_duration_t>(ms);
}
