// What the call engine needs from whatever runs call flows (the Lua runtime in junctiond, a
// stub in unit tests): start a flow for a new call, tell it the caller hung up.
#pragma once

#include <string>

#include "junction/call.hpp"

namespace junction {

/// A snapshot of a call for the flow.
struct CallInfo {
  std::string call_id;
  LegId leg = 0;  ///< the inbound (A) leg
  Party caller;
  Party callee;
  Headers headers;
  std::string driver;  ///< name of the A leg's driver
};

class CallFlowHost {
 public:
  virtual ~CallFlowHost() = default;
  /// Start the flow of a new call. When the flow is over, the host calls
  /// CallEngineImpl::flow_finished(call_id, cause).
  virtual void start_flow(const CallInfo& call) = 0;
  /// The caller hung up: cancel the pending verb and let the flow see an error.
  virtual void caller_hung_up(const std::string& call_id, int cause) = 0;
};

}  // namespace junction
