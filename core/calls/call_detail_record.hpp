// Call detail records: one per call, written when the call ends, for billing and support.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace junction {

struct CallDetailRecord {
  std::string call_id;
  std::string node;
  std::string driver;  ///< of the caller's leg ("sip", "loopback")
  std::string caller;
  std::string caller_name;
  std::string callee;
  std::string connected_to;  ///< the target the caller was bridged with; empty if none
  std::chrono::system_clock::time_point started;
  std::optional<std::chrono::system_clock::time_point> answered;
  std::chrono::system_clock::time_point ended;
  int cause = 0;
};

/// One JSON object on one line (with its newline): times in ISO 8601 UTC, durations in ms.
std::string to_json_line(const CallDetailRecord& record);

}  // namespace junction
