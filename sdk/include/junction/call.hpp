// Calls and legs as channel drivers see them.
//
// A call is made of legs; each leg belongs to one channel driver (SIP, CAPI, loopback ...).
// Drivers report what happens on a leg as LegEvents; the call engine runs routing and the Lua
// call flow and tells drivers what to do. Every method here runs on the call loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace junction {

/// Identifies a leg for the lifetime of the process. 0 is never a valid id.
using LegId = std::uint64_t;

using Headers = std::vector<std::pair<std::string, std::string>>;

/// A session description (SDP for SIP) that Junction carries unchanged from one leg to its
/// peer, so that media flows end to end (media bypass). Empty: none was sent.
struct SessionDescription {
  std::string content_type;  ///< "application/sdp"
  std::string body;
  bool empty() const { return body.empty(); }
};

struct Party {
  std::string number;        ///< "1001", "+4930123456"
  std::string display_name;  ///< may be empty
};

enum class LegEventType {
  ringing,   ///< the far end is alerting
  progress,  ///< early media / call progress
  answered,  ///< the far end (or, for an inbound leg, we) answered
  dtmf,      ///< a digit arrived
  hung_up,   ///< the leg ended; `cause` says why
  /// The far end offers a new session on an established leg (a re-INVITE: hold, a new
  /// address). The engine forwards it to the bridged peer and answers with answer_session().
  session_offer,
  /// The far end answered an offer sent with update_session(): `session` is its answer, or
  /// empty with a `cause` when it refused.
  session_answer,
};

struct LegEvent {
  LegEventType type = LegEventType::ringing;
  int cause = 0;            ///< Q.850 cause for hung_up (see cause.hpp)
  char digit = 0;           ///< for dtmf: '0'-'9', '*', '#', 'A'-'D'
  std::string reason;       ///< optional human-readable detail for logs
  int protocol_status = 0;  ///< hung_up: the signalling's own code (a SIP status), 0 when none came
  /// ringing/progress: early media, answered: the far end's answer, session_*: see there.
  SessionDescription session;

  static LegEvent ringing(SessionDescription early = {}) { return with(LegEventType::ringing, std::move(early)); }
  static LegEvent progress(SessionDescription early = {}) { return with(LegEventType::progress, std::move(early)); }
  static LegEvent answered(SessionDescription answer = {}) { return with(LegEventType::answered, std::move(answer)); }
  static LegEvent session_offer(SessionDescription offer) {
    return with(LegEventType::session_offer, std::move(offer));
  }
  /// `answer` empty: refused, with `cause`.
  static LegEvent session_answer(SessionDescription answer, int cause = 0) {
    LegEvent e = with(LegEventType::session_answer, std::move(answer));
    e.cause = cause;
    return e;
  }
  static LegEvent hung_up(int cause, std::string reason = {}) {
    LegEvent e = make(LegEventType::hung_up);
    e.cause = cause;
    e.reason = std::move(reason);
    return e;
  }
  static LegEvent dtmf(char digit) {
    LegEvent e = make(LegEventType::dtmf);
    e.digit = digit;
    return e;
  }

 private:
  static LegEvent make(LegEventType type) {
    LegEvent e;
    e.type = type;
    return e;
  }
  static LegEvent with(LegEventType type, SessionDescription session) {
    LegEvent e = make(type);
    e.session = std::move(session);
    return e;
  }
};

/// A new inbound call as a driver presents it to the engine.
struct IncomingCall {
  Party caller;
  Party callee;
  Headers headers;
  SessionDescription offer;  ///< the caller's session offer; empty when it sent none
};

/// What the engine asks a driver to dial.
struct OriginateRequest {
  std::string destination;  ///< the driver-specific part of "driver/destination"
  Party caller;
  Party callee;
  Headers headers;
  std::chrono::milliseconds timeout{0};  ///< 0: no ring timeout of the driver's own
  SessionDescription offer;              ///< the caller's offer, to pass on unchanged
};

/// A signalling technology. Implemented by plugins; registered through the Registrar.
class ChannelDriver {
 public:
  virtual ~ChannelDriver() = default;

  /// Prefix used in targets ("loopback" in "loopback/answer"). Unique per daemon.
  virtual std::string_view name() const = 0;

  /// Start an outbound leg. The driver reports progress through CallEngine::leg_event;
  /// failures are reported as a hung_up event with a cause, never thrown.
  virtual void originate(LegId leg, const OriginateRequest& request) = 0;

  /// Answer an inbound leg with `session` (the callee's answer to the caller's offer; empty
  /// when nobody supplied media yet). The driver reports `answered` when done.
  virtual void answer(LegId leg, const SessionDescription& session) = 0;

  /// Tell an inbound, unanswered caller that the callee is alerted; `early_media` non-empty
  /// carries the callee's early session (SIP 183 instead of 180).
  virtual void alert(LegId /*leg*/, const SessionDescription& /*early_media*/) {}

  /// Refuse an inbound leg that was not answered (e.g. SIP final response).
  virtual void reject(LegId leg, int cause) = 0;

  /// Refuse an inbound, unanswered leg by pointing the caller elsewhere (SIP 302 with
  /// `destination` as Contact). Drivers that cannot redirect reject with no_route.
  virtual void redirect(LegId leg, const std::string& /*destination*/) { reject(leg, 3); }

  /// Send a new session offer on an established leg (SIP re-INVITE). Returns false when the
  /// driver cannot; otherwise it reports a `session_answer` event later.
  virtual bool update_session(LegId /*leg*/, const SessionDescription& /*offer*/) { return false; }

  /// Answer the far end's `session_offer` with `answer`, or refuse it (empty, with `cause`).
  virtual void answer_session(LegId /*leg*/, const SessionDescription& /*answer*/, int /*cause*/) {}

  /// Send a key press to the far end of an established leg in the signalling (SIP INFO), for
  /// keys that did not travel in the media. False when the driver cannot.
  virtual bool send_digit(LegId /*leg*/, char /*key*/) { return false; }

  /// End a leg in any state. The driver must not report further events for it.
  virtual void hangup(LegId leg, int cause) = 0;

  /// Two legs are now connected. Drivers that can let media flow end-to-end do so here.
  virtual void bridged(LegId /*leg*/, LegId /*peer*/) {}
};

/// The call engine as drivers and plugins see it. All methods must be called on the call loop.
class CallEngine {
 public:
  virtual ~CallEngine() = default;

  /// A driver presents an inbound call. The engine allocates the leg, runs the call flow
  /// and returns the leg id the driver uses from now on.
  virtual LegId incoming(ChannelDriver& driver, IncomingCall call) = 0;

  /// A driver reports an event on one of its legs. Unknown or ended legs are ignored.
  virtual void leg_event(LegId leg, LegEvent event) = 0;

  /// Number of calls in progress.
  virtual std::size_t active_calls() const = 0;

  // For plugins that become a leg's media endpoint (the media plugin).
  /// The far end's current session of `leg` (an inbound leg's offer); empty when unknown.
  virtual SessionDescription remote_session(LegId leg) const = 0;
  /// Answers an unanswered inbound `leg` with `session`. False when the leg is unknown, not
  /// inbound or already answered.
  virtual bool answer_leg(LegId leg, const SessionDescription& session) = 0;
  /// Runs `ended` once when the call ends (at once if there is no such call).
  virtual void when_call_ends(const std::string& call_id, std::function<void()> ended) = 0;
  /// The leg bridged with `leg`; 0 when there is none.
  virtual LegId peer_of(LegId leg) const = 0;
  /// Offers `offer` to the far end of an established `leg` (SIP re-INVITE) on the plugin's own
  /// account: the answer goes to `done`, not to the bridged peer (empty with a cause when it
  /// was refused or the leg ended first). False, and `done` is dropped, when the leg cannot
  /// take an offer now (unknown, not answered, an offer already open, a driver that cannot).
  virtual bool offer_session(LegId leg, const SessionDescription& offer,
                             std::function<void(const SessionDescription& answer, int cause)> done) = 0;
  /// Answers the offer a MediaAnchor took from `leg`: `answer`, or empty with `cause` to refuse.
  virtual void answer_offer(LegId leg, const SessionDescription& answer, int cause = 0) = 0;
};

/// A plugin that can terminate a call's media itself (the media plugin), registered with
/// Registrar::set_media_anchor. The engine consults it on the call loop, so that re-offers,
/// bridging and digits from the signalling reach whoever may hold the media.
class MediaAnchor {
 public:
  virtual ~MediaAnchor() = default;
  /// The far end of `leg` offers a new session (a re-INVITE: hold, a new address). True: the
  /// anchor takes it and must answer it once with CallEngine::answer_offer. False: the engine
  /// passes it to the bridged peer as usual.
  virtual bool take_offer(const std::string& call_id, LegId leg, const SessionDescription& offer) = 0;
  /// The caller's leg was just bridged with `callee`.
  virtual void bridged(const std::string& call_id, LegId caller, LegId callee) = 0;
  /// A key pressed on `leg`, reported by the signalling (SIP INFO) rather than in the media.
  /// True when the anchor used it (a verb collecting keys); false: the engine passes it to
  /// the bridged peer.
  virtual bool digit(const std::string& call_id, LegId leg, char key) = 0;
};

}  // namespace junction
