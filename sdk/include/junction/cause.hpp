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
inline constexpr int number_changed = 22;
inline constexpr int exchange_routing_error = 25;
inline constexpr int destination_out_of_order = 27;
inline constexpr int invalid_number_format = 28;
inline constexpr int normal_unspecified = 31;
inline constexpr int no_circuit_available = 34;
inline constexpr int network_out_of_order = 38;
inline constexpr int temporary_failure = 41;
inline constexpr int switching_equipment_congestion = 42;
inline constexpr int bearer_capability_not_available = 58;
inline constexpr int service_unavailable = 63;
inline constexpr int bearer_capability_not_implemented = 65;
inline constexpr int service_not_implemented = 79;
inline constexpr int recovery_on_timer_expiry = 102;
inline constexpr int protocol_error = 111;
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
    case number_changed:
      return "number_changed";
    case exchange_routing_error:
      return "exchange_routing_error";
    case destination_out_of_order:
      return "destination_out_of_order";
    case invalid_number_format:
      return "invalid_number_format";
    case normal_unspecified:
      return "normal_unspecified";
    case no_circuit_available:
      return "no_circuit_available";
    case network_out_of_order:
      return "network_out_of_order";
    case temporary_failure:
      return "temporary_failure";
    case switching_equipment_congestion:
      return "switching_equipment_congestion";
    case bearer_capability_not_available:
      return "bearer_capability_not_available";
    case service_unavailable:
      return "service_unavailable";
    case bearer_capability_not_implemented:
      return "bearer_capability_not_implemented";
    case service_not_implemented:
      return "service_not_implemented";
    case recovery_on_timer_expiry:
      return "recovery_on_timer_expiry";
    case protocol_error:
      return "protocol_error";
    case originator_cancel:
      return "originator_cancel";
    case interworking:
      return "interworking";
    default:
      return "unknown";
  }
}

/// The cause called `text` by name() ("user_busy" -> 17); 0 for names it does not know.
inline int from_name(std::string_view text) {
  if (text == "unknown") return 0;  // what name() calls every cause it has no name for
  for (int c = 1; c < 128; ++c)
    if (name(c) == text) return c;
  return name(originator_cancel) == text ? originator_cancel : 0;
}

}  // namespace junction::cause
