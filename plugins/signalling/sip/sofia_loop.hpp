// sofia-sip's event loop on a thread of its own. Everything that touches sofia (nua, nta,
// handles, su_home memory) runs on this thread; other threads hand it work with post().
// No sofia header here, so the rest of the plugin builds without them.
#pragma once

#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

struct su_root_s;

namespace junction::sip {

class SofiaLoop {
 public:
  using Task = std::function<void()>;
  /// Called on the sofia thread with its root; create agents there.
  using Setup = std::function<void(su_root_s* root)>;
  /// Called on the sofia thread at stop; must call `done` (perhaps later, e.g. after
  /// nua's shutdown event) once every sofia object it owns is destroyed.
  using Teardown = std::function<void(std::function<void()> done)>;

  SofiaLoop() = default;
  ~SofiaLoop();  // stop() with an empty teardown if still running
  SofiaLoop(const SofiaLoop&) = delete;
  SofiaLoop& operator=(const SofiaLoop&) = delete;

  /// Starts the thread and waits until `setup` returned. An exception from setup is rethrown
  /// here and the thread is gone.
  void start(Setup setup);
  /// Runs `task` on the sofia thread, after the tasks posted before. Thread-safe. Tasks
  /// posted after stop() began are dropped.
  void post(Task task);
  /// Where send_out() delivers: called on the sofia thread with every task queued since the
  /// last delivery, in order. Set before start().
  void set_outbox(std::function<void(std::vector<Task>)> deliver) { deliver_ = std::move(deliver); }
  /// Sofia thread only: queues `task` for the outbox, delivered in one batch just before the
  /// loop next waits. A burst of messages then costs one hand-off to the other thread, not one
  /// per message. (sofia runs its prepoll hook before its timers: a task queued by a timer
  /// wakes the loop once, so it is not held until the next event.)
  void send_out(Task task);
  /// For the C prepoll hook.
  void flush_outbox();
  /// Runs `teardown` on the sofia thread, waits for its `done`, then destroys the root on that
  /// thread and joins it. Idempotent.
  void stop(Teardown teardown);
  bool on_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void run(Setup setup, std::promise<void>& started);
  void wake();
  void drain();

  std::thread thread_;
  su_root_s* root_ = nullptr;
  int wake_fd_ = -1;
  std::mutex mutex_;
  std::deque<Task> tasks_;
  bool accepting_ = false;
  std::function<void(std::vector<Task>)> deliver_;
  std::vector<Task> outbox_;  // sofia thread only
};

}  // namespace junction::sip
