#include "cause_mapping.hpp"

#include "junction/cause.hpp"

namespace junction::sip {

SipStatus status_for_cause(int c) {
  switch (c) {
    case cause::unallocated_number:
    case cause::no_route:
      return {404, "Not Found"};
    case cause::user_busy:
      return {486, "Busy Here"};
    case cause::no_user_response:
      return {408, "Request Timeout"};
    case cause::normal_clearing:  // a flow that hangs up an unanswered caller without a cause
    case cause::no_answer:
    case cause::subscriber_absent:
    case cause::normal_unspecified:
      return {480, "Temporarily Unavailable"};
    case cause::call_rejected:
      return {403, "Forbidden"};
    case cause::number_changed:
      return {410, "Gone"};
    case cause::exchange_routing_error:
      return {483, "Too Many Hops"};
    case cause::destination_out_of_order:
    case cause::network_out_of_order:
      return {502, "Bad Gateway"};
    case cause::invalid_number_format:
      return {484, "Address Incomplete"};
    case cause::bearer_capability_not_available:
    case cause::bearer_capability_not_implemented:
      return {488, "Not Acceptable Here"};
    case cause::service_not_implemented:
      return {501, "Not Implemented"};
    case cause::recovery_on_timer_expiry:
      return {504, "Server Time-out"};
    case cause::originator_cancel:
      return {487, "Request Terminated"};
    case cause::interworking:
    case cause::protocol_error:
      return {500, "Server Internal Error"};
    default:  // congestion, temporary failure, service unavailable and anything unknown
      return {503, "Service Unavailable"};
  }
}

int cause_for_status(int status) {
  switch (status) {
    case 401:
    case 402:
    case 403:
    case 407:
    case 603:
      return cause::call_rejected;
    case 404:
    case 485:
    case 604:
      return cause::unallocated_number;
    case 405:
      return cause::service_unavailable;
    case 406:
    case 415:
    case 501:
      return cause::service_not_implemented;
    case 488:  // RFC 3398 says 127; 58 keeps "not acceptable" recognisable and maps back to 488
    case 606:
      return cause::bearer_capability_not_available;
    case 408:
    case 504:
      return cause::recovery_on_timer_expiry;
    case 410:
      return cause::number_changed;
    case 480:
      return cause::no_user_response;
    case 482:
    case 483:
      return cause::exchange_routing_error;
    case 484:
      return cause::invalid_number_format;
    case 486:
    case 600:
      return cause::user_busy;
    case 487:
      return cause::originator_cancel;
    case 502:
      return cause::network_out_of_order;
    case 400:
    case 481:
    case 500:
    case 503:
      return cause::temporary_failure;
    default:
      if (status >= 300 && status < 400) return cause::no_route;  // redirects are not followed
      return cause::interworking;
  }
}

}  // namespace junction::sip
