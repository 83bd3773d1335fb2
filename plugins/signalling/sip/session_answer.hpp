// Answers to a session offer that the server builds itself (no media engine yet).
#pragma once

#include <string>

namespace junction::sip {

/// An SDP answer that declines every stream of `offer` (RFC 3264 section 6: port 0), so a call
/// can be answered with no media. Empty when `offer` has no session or media lines.
std::string decline_all_media(const std::string& offer);

}  // namespace junction::sip
