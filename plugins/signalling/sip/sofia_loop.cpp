#include "sofia_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

namespace junction::sip {

namespace {

int on_wake(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
  auto* drain = reinterpret_cast<std::function<void()>*>(arg);
  (*drain)();
  return 0;
}

void before_poll(su_prepoll_magic_t* loop, su_root_t*) { static_cast<SofiaLoop*>(loop)->flush_outbox(); }

}  // namespace

SofiaLoop::~SofiaLoop() {
  if (thread_.joinable()) stop([](std::function<void()> done) { done(); });
}

void SofiaLoop::start(Setup setup) {
  std::promise<void> started;
  auto ready = started.get_future();
  thread_ = std::thread([this, setup = std::move(setup), &started]() mutable { run(std::move(setup), started); });
  try {
    ready.get();
  } catch (...) {
    thread_.join();
    throw;
  }
}

void SofiaLoop::run(Setup setup, std::promise<void>& started) {
  su_init();
  // Without this, sofia would run parts of the stack on a hidden thread of its own.
  root_ = su_root_create(nullptr);
  if (!root_) {
    su_deinit();
    started.set_exception(std::make_exception_ptr(std::runtime_error("sip: cannot create the sofia root")));
    return;
  }
  su_root_threading(root_, 0);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  su_wait_t wait = SU_WAIT_INIT;
  std::function<void()> drain_fn = [this] { drain(); };
  if (wake_fd_ < 0 || su_wait_create(&wait, wake_fd_, SU_WAIT_IN) != 0 ||
      su_root_register(root_, &wait, on_wake, reinterpret_cast<su_wakeup_arg_t*>(&drain_fn), 0) < 0) {
    if (wake_fd_ >= 0) ::close(wake_fd_);
    su_root_destroy(root_);
    su_deinit();
    started.set_exception(std::make_exception_ptr(std::runtime_error("sip: cannot set up the sofia wake-up")));
    return;
  }
  try {
    setup(root_);
  } catch (...) {
    su_root_unregister(root_, &wait, on_wake, reinterpret_cast<su_wakeup_arg_t*>(&drain_fn));
    su_root_destroy(root_);
    ::close(wake_fd_);
    su_deinit();
    started.set_exception(std::current_exception());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    accepting_ = true;
  }
  su_root_add_prepoll(root_, before_poll, this);
  started.set_value();
  su_root_run(root_);
  drain();  // tasks that arrived with the stop request
  flush_outbox();
  su_root_remove_prepoll(root_);
  su_root_unregister(root_, &wait, on_wake, reinterpret_cast<su_wakeup_arg_t*>(&drain_fn));
  su_root_destroy(root_);
  root_ = nullptr;
  ::close(wake_fd_);
  su_deinit();
}

void SofiaLoop::post(Task task) {
  std::lock_guard lock(mutex_);
  if (!accepting_) return;
  // Only the task that finds the queue empty wakes the loop: drain() reads the eventfd before
  // it takes the queue, so a task queued behind others is always taken by a wake-up to come.
  // Under the lock: the fd is closed only after accepting_ went false under it.
  if (tasks_.empty()) wake();
  tasks_.push_back(std::move(task));
}

void SofiaLoop::drain() {
  std::uint64_t count = 0;
  [[maybe_unused]] auto got = ::read(wake_fd_, &count, sizeof count);
  std::deque<Task> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(tasks_);
  }
  for (auto& task : batch) task();
}

void SofiaLoop::send_out(Task task) {
  if (outbox_.empty()) wake();
  outbox_.push_back(std::move(task));
}

void SofiaLoop::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
}

void SofiaLoop::flush_outbox() {
  if (outbox_.empty() || !deliver_) return;
  std::vector<Task> batch;
  batch.swap(outbox_);
  deliver_(std::move(batch));
}

void SofiaLoop::stop(Teardown teardown) {
  if (!thread_.joinable()) return;
  post([this, teardown = std::move(teardown)] {
    {
      std::lock_guard lock(mutex_);
      accepting_ = false;
    }
    su_root_s* root = root_;
    teardown([root] { su_root_break(root); });
  });
  thread_.join();
}

}  // namespace junction::sip
