// Routing: turning a dialled number into the targets to try.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "junction/call.hpp"
#include "junction/trunks.hpp"

namespace junction {

/// What routing is asked: who dials what.
struct RouteRequest {
  std::string number;  ///< the dialled number
  Party caller;
  Headers headers;
  std::string call_id;              ///< for logs; empty outside a call
  std::vector<TrunkStatus> trunks;  ///< every trunk's state right now
};

/// A routing answer: targets of the form "driver/destination", tried as `mode` says.
struct RouteDecision {
  enum class Mode { sequential, parallel };
  std::vector<std::string> targets;  ///< empty: this strategy has no route
  Mode mode = Mode::sequential;
  /// With no targets: non-zero when the strategy knows the number but cannot reach it now
  /// (e.g. subscriber_absent for a user with no registered phone). Ends the search.
  int refusal_cause = 0;
};

/// A routing strategy (Lua rules, prefix tables, least cost ...). Runs on the call loop and
/// must answer synchronously. Implemented by plugins; registered through the Registrar.
class RoutingStrategy {
 public:
  virtual ~RoutingStrategy() = default;
  virtual std::string_view name() const = 0;
  /// Returns an empty decision when it has nothing to say; the next strategy is asked.
  /// Throws std::runtime_error with a clear message when it cannot route (logged, call fails).
  virtual RouteDecision route(const RouteRequest& request) = 0;
};

}  // namespace junction
