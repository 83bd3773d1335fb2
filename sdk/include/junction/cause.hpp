// Call clearing causes. Junction uses ITU-T Q.850 cause values everywhere so that SIP,
// ISDN/CAPI and scripts agree; the SIP plugin maps them to and from SIP status codes.
#pragma once

#include <string_view>

namespace junction::cause {

inline constexpr int unallocated_number = 1;
inline constexpr int no_route = 3;
inline constexpr int normal_clearing = 16;
inline constexpr int user_busy = 17;
inline constexpr int no_user_response = 18;
inline constexpr int no_answer = 19;
inline constexpr int subscriber_absent = 20;
inline constexpr int call_rejected = 21;
inline constexpr int destination_out_of_order = 27;
inline constexpr int invalid_number_format = 28;
inline constexpr int normal_unspecified = 31;
inline constexpr int no_circuit_available = 34;
inline constexpr int temporary_failure = 41;
inline constexpr int originator_cancel = 487;  // Q.850 has none; same value as SIP 487 by convention
inline constexpr int interworking = 127;

/// Short lower-case name for logs and scripts ("user_busy"); "unknown" for other values.
inline std::string_view name(int cause) {
  switch (cause) {
    case unallocated_number:
      return "unallocated_number";
    case no_route:
      return "no_route";
    case normal_clearing:
      return "normal_clearing";
    case user_busy:
      return "user_busy";
    case no_user_response:
      return "no_user_response";
    case no_answer:
      return "no_answer";
    case subscriber_absent:
      return "subscriber_absent";
    case call_rejected:
      return "call_rejected";
    case destination_out_of_order:
      return "destination_out_of_order";
    case invalid_number_format:
      return "invalid_number_format";
    case normal_unspecified:
      return "normal_unspecified";
    case no_circuit_available:
      return "no_circuit_available";
    case temporary_failure:
      return "temporary_failure";
    case originator_cancel:
      return "originator_cancel";
    case interworking:
      return "interworking";
    default:
      return "unknown";
  }
}

}  // namespace junction::cause
