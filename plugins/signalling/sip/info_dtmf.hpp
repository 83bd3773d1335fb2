// Key presses sent in SIP INFO requests (RFC 2976), the fallback for phones and gateways that
// do not send RFC 4733 events in the media: "application/dtmf-relay" ("Signal=5\r\nDuration=160")
// and "application/dtmf" (the key alone).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace junction::sip {

enum class InfoDtmf { not_dtmf, key, malformed };

struct InfoDtmfResult {
  InfoDtmf kind = InfoDtmf::not_dtmf;
  char key = 0;  ///< '0'-'9', '*', '#', 'A'-'D' when kind is key
};

/// What an INFO with `content_type` and `body` says. Signal 10 and 11 (as some gateways send)
/// are '*' and '#'.
InfoDtmfResult dtmf_of_info(std::string_view content_type, std::string_view body);

/// The application/dtmf-relay body that sends `key` (a 160 ms press).
std::string info_dtmf_body(char key);

}  // namespace junction::sip
