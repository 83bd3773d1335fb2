// The built-in "loopback" channel driver: calls without a network, for tests, examples and
// health checks. Inbound calls come from virtual phones the test controls; outbound targets
// behave as their destination says:
//
//   loopback/answer          answers at once          loopback/answer:<ms>    answers after <ms>
//   loopback/busy            fails with user_busy     loopback/ring           rings until cleared
//   loopback/reject:<cause>  fails with that cause    loopback/hangup:<ms>    answers, hangs up after <ms>
//
// Every event is posted to the call loop, as a network driver's would be.
#pragma once

#include <string>
#include <unordered_map>

#include "junction/call.hpp"
#include "junction/executor.hpp"

namespace junction {

/// What happened to a loopback leg, for test assertions.
struct LoopbackLeg {
  bool inbound = false;
  bool answered = false;
  bool ended = false;
  int end_cause = 0;  ///< the cause the engine cleared the leg with (0: the far end ended it)
  bool rejected = false;
  LegId bridged_to = 0;
  std::string destination;
};

class LoopbackDriver final : public ChannelDriver {
 public:
  LoopbackDriver(Executor& loop, CallEngine& engine) : loop_(loop), engine_(engine) {}

  std::string_view name() const override { return "loopback"; }
  void originate(LegId leg, const OriginateRequest& request) override;
  void answer(LegId leg, const SessionDescription& session) override;
  void reject(LegId leg, int cause) override;
  void hangup(LegId leg, int cause) override;
  void bridged(LegId leg, LegId peer) override;

  // The virtual phone's side.
  /// A virtual phone calls `callee`; returns the inbound leg.
  LegId place_call(const std::string& caller, const std::string& callee, Headers headers = {});
  /// The far end of a leg hangs up.
  void far_end_hangup(LegId leg, int cause);

  const LoopbackLeg* leg(LegId id) const;
  std::size_t live_legs() const;

 private:
  void post_event(LegId leg, LegEvent event);

  Executor& loop_;
  CallEngine& engine_;
  std::unordered_map<LegId, LoopbackLeg> legs_;
};

}  // namespace junction
