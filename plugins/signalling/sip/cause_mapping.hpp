// SIP status codes and Q.850 causes, both ways (after RFC 3398 sections 7.2.4.1 and 8.2.6.1),
// so a SIP failure reaches scripts and other drivers as a cause and a cause leaves as the
// right SIP response. Departures from the RFC keep a round trip where it has none (488, 487).
#pragma once

namespace junction::sip {

struct SipStatus {
  int code;
  const char* phrase;
};

/// The final response that refuses a call with `cause` (a non-2xx, 3xx excluded).
SipStatus status_for_cause(int cause);

/// The cause a final non-2xx response means.
int cause_for_status(int status);

}  // namespace junction::sip
