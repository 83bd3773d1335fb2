// The engine's side of a media anchor (the media plugin): re-offers it takes and answers
// itself, offers it sends on its own account, and what it is told (bridges, keys).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "session_relay_fixture.hpp"

using junction::testing::expect_same;
using junction::testing::kDialFlow;
using junction::testing::sdp;
using junction::testing::SessionRelay;

namespace junction {
namespace {

// Records what the engine tells it; takes offers while `take` is set.
class FakeAnchor final : public MediaAnchor {
 public:
  bool take_offer(const std::string& call_id, LegId leg, const SessionDescription& offer) override {
    offers.push_back({call_id, leg, offer.body});
    return take;
  }
  void bridged(const std::string& call_id, LegId caller, LegId callee) override {
    bridges.push_back({call_id, caller, callee});
  }
  bool digit(const std::string&, LegId leg, char key) override {
    keys.push_back({leg, key});
    return take_digits;
  }

  struct Seen {
    std::string call_id;
    LegId leg;
    std::string body;
  };
  struct Bridge {
    std::string call_id;
    LegId caller;
    LegId callee;
  };
  bool take = true;
  bool take_digits = true;
  std::vector<Seen> offers;
  std::vector<Bridge> bridges;
  std::vector<std::pair<LegId, char>> keys;
};

class MediaAnchorEngine : public SessionRelay {
 protected:
  void SetUp() override {
    start(kDialFlow);
    anchor = std::make_shared<FakeAnchor>();
    h->registry.set_media_anchor("media", anchor);
  }
  std::shared_ptr<FakeAnchor> anchor;
};

struct Answer {
  SessionDescription session;
  int cause = -1;
};

TEST_F(MediaAnchorEngine, IsToldOfTheBridgeAndOfKeysFromTheSignalling) {
  const auto [a, b] = bridged_call();
  ASSERT_EQ(anchor->bridges.size(), 1u);
  EXPECT_EQ(anchor->bridges[0].caller, a);
  EXPECT_EQ(anchor->bridges[0].callee, b);
  h->engine().leg_event(a, LegEvent::dtmf('5'));
  ASSERT_EQ(anchor->keys.size(), 1u);
  EXPECT_EQ(anchor->keys[0], std::make_pair(a, '5'));
  EXPECT_EQ(h->engine().peer_of(a), b);
  EXPECT_EQ(h->engine().peer_of(b), a);
  EXPECT_TRUE(fake->digits.empty()) << "the anchor used it";
  anchor->take_digits = false;
  h->engine().leg_event(a, LegEvent::dtmf('7'));
  ASSERT_EQ(fake->digits.size(), 1u) << "a key nobody used goes on to the peer";
  EXPECT_EQ(fake->digits[0], std::make_pair(b, '7'));
}

TEST_F(MediaAnchorEngine, ATakenOfferIsAnsweredByTheAnchorNotRelayed) {
  const auto [a, b] = bridged_call();
  fake->updated.clear();
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-hold")));
  ASSERT_EQ(anchor->offers.size(), 1u);
  EXPECT_EQ(anchor->offers[0].leg, a);
  EXPECT_TRUE(fake->updated.empty()) << "the peer is not asked";
  h->engine().answer_offer(a, sdp("ours"));
  ASSERT_EQ(fake->session_answers.size(), 1u);
  expect_same(fake->session_answers[0].session, sdp("ours"), "the anchor's answer");
  expect_same(h->engine().remote_session(a), sdp("alice-hold"), "the accepted offer is the leg's session");
  h->engine().answer_offer(a, sdp("again"));
  EXPECT_EQ(fake->session_answers.size(), 1u) << "an offer is answered once";
  (void)b;
}

TEST_F(MediaAnchorEngine, AnOfferTheAnchorLeavesIsRelayedAsUsual) {
  anchor->take = false;
  const auto [a, b] = bridged_call();
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-hold")));
  ASSERT_FALSE(fake->updated.empty());
  EXPECT_EQ(fake->updated.back().leg, b);
  h->engine().leg_event(b, LegEvent::session_answer(sdp("bob-held")));
  ASSERT_EQ(fake->session_answers.size(), 1u);
  expect_same(fake->session_answers[0].session, sdp("bob-held"), "relayed answer");
}

TEST_F(MediaAnchorEngine, TheAnchorsOwnOfferIsAnsweredToItAlone) {
  const auto [a, b] = bridged_call();
  std::optional<Answer> got;
  ASSERT_TRUE(h->engine().offer_session(b, sdp("ours"), [&](const SessionDescription& s, int c) {
    got = Answer{s, c};
  }));
  EXPECT_FALSE(h->engine().offer_session(b, sdp("ours2"), [](const SessionDescription&, int) {}))
      << "one offer at a time";
  h->engine().leg_event(b, LegEvent::session_answer(sdp("bob-on-server")));
  ASSERT_TRUE(got);
  expect_same(got->session, sdp("bob-on-server"), "answer to the anchor");
  EXPECT_TRUE(fake->session_answers.empty()) << "nothing is relayed to the caller";
  expect_same(h->engine().remote_session(b), sdp("bob-on-server"), "the leg's session follows");
  (void)a;
}

TEST_F(MediaAnchorEngine, AnOfferToALegThatHangsUpIsAnsweredWithTheCause) {
  const auto [a, b] = bridged_call();
  std::optional<Answer> got;
  ASSERT_TRUE(h->engine().offer_session(b, sdp("ours"), [&](const SessionDescription& s, int c) {
    got = Answer{s, c};
  }));
  h->engine().leg_event(b, LegEvent::hung_up(cause::normal_clearing));
  h->loop.run_ready();
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->session.empty());
  EXPECT_EQ(got->cause, cause::normal_clearing);
  (void)a;
}

TEST_F(MediaAnchorEngine, AnOfferToACallerWhoseAnswerIsOnItsWayFollowsTheAnswer) {
  const LegId a = call("2000");
  const LegId b = last_b_leg();
  h->engine().leg_event(b, LegEvent::answered(sdp("bob")));  // bridges: the caller is being answered
  h->loop.run_ready();
  fake->updated.clear();
  ASSERT_TRUE(h->engine().offer_session(a, sdp("ours"), [](const SessionDescription&, int) {}));
  EXPECT_TRUE(fake->updated.empty()) << "not before the caller's answer is confirmed";
  h->engine().leg_event(a, LegEvent::answered());
  h->loop.run_ready();
  ASSERT_EQ(fake->updated.size(), 1u);
  EXPECT_EQ(fake->updated[0].leg, a);
  expect_same(fake->updated[0].session, sdp("ours"), "the queued offer");
}

TEST_F(MediaAnchorEngine, OffersToUnknownOrUnansweredLegsAreRefused) {
  EXPECT_FALSE(h->engine().offer_session(999, sdp("x"), [](const SessionDescription&, int) {}));
  const LegId a = call("2000");
  EXPECT_FALSE(h->engine().offer_session(a, sdp("x"), [](const SessionDescription&, int) {}))
      << "an unanswered caller cannot take an offer";
  EXPECT_FALSE(h->engine().offer_session(last_b_leg(), sdp("x"), [](const SessionDescription&, int) {}));
}

TEST_F(MediaAnchorEngine, OnlyOnePluginIsTheAnchor) {
  EXPECT_THROW(h->registry.set_media_anchor("other", std::make_shared<FakeAnchor>()), std::invalid_argument);
  h->registry.remove_owner("media");
  EXPECT_EQ(h->registry.media_anchor(), nullptr);
  EXPECT_NO_THROW(h->registry.set_media_anchor("other", std::make_shared<FakeAnchor>()));
}

}  // namespace
}  // namespace junction
