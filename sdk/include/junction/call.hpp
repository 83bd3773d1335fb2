// Calls and legs as channel drivers see them.
//
// A call is made of legs; each leg belongs to one channel driver (SIP, CAPI, loopback ...).
// Drivers report what happens on a leg as LegEvents; the call engine runs routing and the Lua
// call flow and tells drivers what to do. Every method here runs on the call loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace junction {

/// Identifies a leg for the lifetime of the process. 0 is never a valid id.
using LegId = std::uint64_t;

using Headers = std::vector<std::pair<std::string, std::string>>;

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
};

struct LegEvent {
  LegEventType type = LegEventType::ringing;
  int cause = 0;       ///< Q.850 cause for hung_up (see cause.hpp)
  char digit = 0;      ///< for dtmf: '0'-'9', '*', '#', 'A'-'D'
  std::string reason;  ///< optional human-readable detail for logs

  static LegEvent ringing() { return make(LegEventType::ringing); }
  static LegEvent progress() { return make(LegEventType::progress); }
  static LegEvent answered() { return make(LegEventType::answered); }
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
};

/// A new inbound call as a driver presents it to the engine.
struct IncomingCall {
  Party caller;
  Party callee;
  Headers headers;
};

/// What the engine asks a driver to dial.
struct OriginateRequest {
  std::string destination;  ///< the driver-specific part of "driver/destination"
  Party caller;
  Party callee;
  Headers headers;
  std::chrono::milliseconds timeout{0};  ///< 0: no ring timeout of the driver's own
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

  /// Answer an inbound leg; the driver reports `answered` when done.
  virtual void answer(LegId leg) = 0;

  /// Refuse an inbound leg that was not answered (e.g. SIP final response).
  virtual void reject(LegId leg, int cause) = 0;

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
};

}  // namespace junction
