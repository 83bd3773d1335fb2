// sofia-sip's loop on its own thread: work posted from other threads runs there, in order,
// and stop() waits for an asynchronous teardown before the root goes away.
#include "sofia_loop.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <sofia-sip/su_wait.h>

namespace junction::sip {
namespace {

TEST(SofiaLoop, PostedTasksRunOnTheSofiaThreadInOrder) {
  SofiaLoop loop;
  std::thread::id sofia_thread;
  loop.start([&](su_root_s* root) {
    ASSERT_NE(root, nullptr);
    sofia_thread = std::this_thread::get_id();
  });
  EXPECT_NE(sofia_thread, std::this_thread::get_id());

  std::vector<int> seen;  // touched only on the sofia thread
  std::promise<void> finished;
  constexpr int kTasks = 10'000;
  std::thread other([&] {
    for (int i = 0; i < kTasks; ++i) loop.post([&seen, i] { seen.push_back(i); });
  });
  other.join();
  loop.post([&] {
    EXPECT_TRUE(loop.on_loop_thread());
    finished.set_value();
  });
  finished.get_future().wait();
  loop.stop([](std::function<void()> done) { done(); });
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kTasks));
  for (int i = 0; i < kTasks; ++i) ASSERT_EQ(seen[static_cast<std::size_t>(i)], i);
}

TEST(SofiaLoop, StopWaitsForAnAsynchronousTeardown) {
  SofiaLoop loop;
  su_root_s* sofia_root = nullptr;
  loop.start([&](su_root_s* root) { sofia_root = root; });
  std::atomic<bool> torn_down{false};
  su_timer_t* timer = nullptr;
  loop.stop([&](std::function<void()> done) {
    // Like nua_shutdown: the work finishes in a later callback on the same loop.
    timer = su_timer_create(su_root_task(sofia_root), 20);
    static std::function<void()> finish;
    finish = [&, done] {
      su_timer_destroy(timer);
      torn_down = true;
      done();
    };
    su_timer_set(
        timer, [](su_root_magic_t*, su_timer_t*, su_timer_arg_t*) { finish(); }, nullptr);
  });
  EXPECT_TRUE(torn_down) << "stop() returned before the teardown called done";
  loop.post([] { FAIL() << "a task posted after stop must not run"; });
}

TEST(SofiaLoop, SetupErrorIsRethrownAndTheThreadIsGone) {
  SofiaLoop loop;
  EXPECT_THROW(loop.start([](su_root_s*) { throw std::runtime_error("cannot bind 127.0.0.1:5060"); }),
               std::runtime_error);
  loop.post([] { FAIL() << "nothing runs after a failed start"; });
}

}  // namespace
}  // namespace junction::sip
