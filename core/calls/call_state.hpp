// The engine's records of calls and legs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "junction/call.hpp"
#include "junction/executor.hpp"

namespace junction {

enum class LegState { calling, ringing, answered, ended };

struct LegRecord {
  LegId id = 0;
  std::string call_id;
  std::shared_ptr<ChannelDriver> driver;
  bool inbound = false;
  LegState state = LegState::calling;
  std::string target;  ///< "driver/destination" for outbound legs
  /// The far end's latest session: the caller's offer (inbound) or the callee's answer or
  /// early media (outbound). Passed to the other leg unchanged.
  SessionDescription remote_session;
  LegId peer = 0;            ///< the leg this one is bridged with
  bool answer_sent = false;  ///< inbound: the driver was told to answer (its confirmation may be on its way)
  /// An offer from this leg's far end that the peer has not answered yet; it becomes
  /// remote_session only when accepted.
  SessionDescription pending_offer;
  bool offer_taken = false;  ///< pending_offer is the media anchor's to answer
  /// The media anchor's own offer to this leg waits for its answer here.
  std::function<void(const SessionDescription&, int)> offer_done;
  /// The anchor's offer to an inbound leg whose answer is on its way: sent once it is answered.
  SessionDescription offer_after_answer;
  /// Receives events of an outbound leg (the dial operation that created it).
  std::function<void(LegId, const LegEvent&)> observer;
};

struct CallRecord {
  std::string id;
  LegId a_leg = 0;
  std::vector<LegId> b_legs;
  Party caller;
  Party callee;
  Headers headers;  ///< the caller's, passed to every outbound leg (drivers pick what they know)
  Clock::time_point started{};
  Clock::time_point answered{};
  std::chrono::system_clock::time_point started_wall{};  ///< for the CDR
  std::chrono::system_clock::time_point answered_wall{};
  std::string driver;        ///< of the caller's leg
  std::string connected_to;  ///< the target bridged with the caller
  bool flow_running = false;
  bool caller_gone = false;
  int cause = 0;  ///< the first clearing cause seen
};

}  // namespace junction
