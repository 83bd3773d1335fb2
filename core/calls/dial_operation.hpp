// Dialling from a call flow: route the number, ring one target after another (or all at
// once), bridge the first that answers with the caller and wait until the bridged call ends.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "junction/routing.hpp"
#include "junction/script.hpp"

namespace junction {

class CallEngineImpl;

struct DialRequest {
  std::vector<std::string> targets;         ///< numbers (routed) or explicit "driver/destination"
  std::optional<RouteDecision::Mode> mode;  ///< unset: what routing says (sequential by default)
  std::chrono::milliseconds ring_timeout{30000};
};

/// Resolves `done` with `true` after a bridged call ended, or rejects it with the reason the
/// targets failed ("user_busy", "no_answer", "no_route", ...). Cancelling `done` (the caller
/// hung up) clears every leg the dial created.
void start_dial(CallEngineImpl& engine, const std::string& call_id, DialRequest request,
                const std::shared_ptr<Completion>& done);

}  // namespace junction
