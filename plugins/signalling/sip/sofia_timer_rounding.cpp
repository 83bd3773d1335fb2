// sofia-sip rounds "time until the next timer" down to whole milliseconds, so a timer due in
// 0.1-0.9 ms becomes a zero-timeout poll and the loop spins until it fires (measured: nearly
// twice the CPU per call; docs/sip-layer-choice.md). This definition rounds positive
// durations up instead. libsofia calls su_duration through its PLT, and this plugin comes
// before libsofia in the lookup scope of the plugin's dlopen group, so sofia uses this one.
#include <sofia-sip/su_time.h>

extern "C" __attribute__((visibility("default"))) su_duration_t su_duration(su_time_t const t1, su_time_t const t2) {
  const long long us = (static_cast<long long>(t1.tv_sec) - static_cast<long long>(t2.tv_sec)) * 1000000LL +
                       (static_cast<long long>(t1.tv_usec) - static_cast<long long>(t2.tv_usec));
  const long long ms = us > 0 ? (us + 999) / 1000 : us / 1000;
  if (ms > SU_DURATION_MAX) return SU_DURATION_MAX;
  if (ms < -SU_DURATION_MAX) return -SU_DURATION_MAX;
  return static_cast<su_duration_t>(ms);
}
