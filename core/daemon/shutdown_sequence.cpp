#include "core/daemon/shutdown_sequence.hpp"

#include "junction/cause.hpp"

namespace junction {

namespace {
constexpr std::chrono::milliseconds kDrainPoll{50};
}

void ShutdownSequence::begin() {
  if (started_) return;
  started_ = true;
  health_.mark_stopping();
  parts_.engine.set_accepting(false);
  deadline_ = parts_.loop.now() + parts_.config.drain_timeout;
  wait_for_calls();
}

void ShutdownSequence::wait_for_calls() {
  const std::size_t calls = parts_.engine.active_calls();
  if (calls == 0) return finish();
  if (parts_.loop.now() >= deadline_) {
    parts_.core_log.warn(std::to_string(calls) + " calls still up after the drain period; clearing them");
    parts_.scripts->stop_all_flows(cause::normal_clearing);
    return finish();
  }
  parts_.loop.call_after(kDrainPoll, [this] { wait_for_calls(); });
}

void ShutdownSequence::finish() {
  parts_.engine.set_flow_host(nullptr);
  parts_.plugins->stop_all();
  admin_.stop();
  for (auto& callback : done_callbacks_) callback();
  // Anything a plugin left queued is abandoned: its plugin is stopped.
  parts_.io.stop();
}

}  // namespace junction
