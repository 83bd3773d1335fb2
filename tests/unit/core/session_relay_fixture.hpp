// The fixture of the session relay and call verb tests: the flow harness with a channel
// driver that records every command, the far ends played by the test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

namespace junction::testing {

using namespace std::chrono_literals;

// A channel driver that does nothing on its own: it records every command the engine gives
// it, and the test plays the far ends by reporting events through engine.leg_event.
class RecordingDriver final : public ChannelDriver {
 public:
  struct Originated {
    LegId leg;
    OriginateRequest request;
  };
  struct WithSession {
    LegId leg;
    SessionDescription session;
  };
  struct WithCause {
    LegId leg;
    int cause;
  };
  struct Redirected {
    LegId leg;
    std::string destination;
  };
  struct SessionAnswer {
    LegId leg;
    SessionDescription session;
    int cause;
  };

  std::string_view name() const override { return "fake"; }
  void originate(LegId leg, const OriginateRequest& request) override {
    originated.push_back({leg, request});
    calls.push_back("originate " + std::to_string(leg));
  }
  void answer(LegId leg, const SessionDescription& session) override {
    answered.push_back({leg, session});
    calls.push_back("answer " + std::to_string(leg));
  }
  void alert(LegId leg, const SessionDescription& early_media) override {
    alerted.push_back({leg, early_media});
    calls.push_back("alert " + std::to_string(leg));
  }
  void reject(LegId leg, int cause) override {
    rejected.push_back({leg, cause});
    calls.push_back("reject " + std::to_string(leg));
  }
  void redirect(LegId leg, const std::string& destination) override {
    redirected.push_back({leg, destination});
    calls.push_back("redirect " + std::to_string(leg));
  }
  bool update_session(LegId leg, const SessionDescription& offer) override {
    updated.push_back({leg, offer});
    calls.push_back("update_session " + std::to_string(leg));
    return accept_updates;
  }
  void answer_session(LegId leg, const SessionDescription& answer, int cause) override {
    session_answers.push_back({leg, answer, cause});
    calls.push_back("answer_session " + std::to_string(leg));
  }
  bool send_digit(LegId leg, char key) override {
    digits.push_back({leg, key});
    return true;
  }
  void hangup(LegId leg, int cause) override {
    hung_up.push_back({leg, cause});
    calls.push_back("hangup " + std::to_string(leg));
  }
  void bridged(LegId leg, LegId peer) override {
    bridges.push_back({leg, peer});
    calls.push_back("bridged " + std::to_string(leg));
  }

  bool accept_updates = true;  ///< what update_session() returns

  std::vector<Originated> originated;
  std::vector<WithSession> answered;
  std::vector<WithSession> alerted;
  std::vector<WithCause> rejected;
  std::vector<Redirected> redirected;
  std::vector<WithSession> updated;
  std::vector<SessionAnswer> session_answers;
  std::vector<WithCause> hung_up;
  std::vector<std::pair<LegId, LegId>> bridges;
  std::vector<std::pair<LegId, char>> digits;
  std::vector<std::string> calls;  ///< every command, in order
};

inline SessionDescription sdp(const std::string& owner) {
  return {"application/sdp", "v=0\r\no=" + owner +
                                 " 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                                 "t=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=sendrecv\r\n"};
}

inline void expect_same(const SessionDescription& actual, const SessionDescription& expected, const char* what) {
  EXPECT_EQ(actual.content_type, expected.content_type) << what;
  EXPECT_EQ(actual.body, expected.body) << what;
}

inline const char* const kDialFlow = R"(
function on_call(call)
  local ok, why = dial(call.callee, {timeout = 30})
  log("dial result " .. tostring(ok) .. " " .. tostring(why))
end)";

inline const char* const kRouting = R"(
function route(request)
  if request.number == "2000" then return "fake/xyz" end
  if request.number == "team" then return {"fake/one", "fake/two", mode = "parallel"} end
  return nil
end)";

// A harness with the recording driver registered next to the loopback driver.
class SessionRelay : public ::testing::Test {
 protected:
  void start(const std::string& flow, const std::string& routing = kRouting) {
    h = std::make_unique<FlowHarness>(flow, routing);
    fake = std::make_shared<RecordingDriver>();
    h->registry.add_driver("test", fake);
    ASSERT_EQ(h->load(), "");
  }

  /// A call from the fake driver's caller "200" to `callee`, offering `offer`.
  LegId call(const std::string& callee, SessionDescription offer = sdp("alice")) {
    IncomingCall incoming;
    incoming.caller.number = "200";
    incoming.callee.number = callee;
    incoming.offer = std::move(offer);
    const LegId leg = h->engine().incoming(*fake, std::move(incoming));
    h->loop.run_ready();
    return leg;
  }

  /// The outbound leg the fake driver was last asked to originate.
  LegId last_b_leg() const { return fake->originated.empty() ? 0 : fake->originated.back().leg; }

  /// Calls "2000", lets fake/xyz answer with `answer` and returns {a, b}.
  std::pair<LegId, LegId> bridged_call(const SessionDescription& answer = sdp("bob")) {
    const LegId a = call("2000");
    const LegId b = last_b_leg();
    h->engine().leg_event(b, LegEvent::answered(answer));
    h->engine().leg_event(a, LegEvent::answered());
    h->loop.run_ready();
    return {a, b};
  }

  std::unique_ptr<FlowHarness> h;
  std::shared_ptr<RecordingDriver> fake;
};

}  // namespace junction::testing
