// SHA-256 (OpenSSL) as lowercase hex: what the spool records to recognise a damaged file, and
// PBKDF2 over it for secrets kept at rest.
#pragma once

#include <string>
#include <string_view>

namespace junction {

std::string sha256_hex(std::string_view bytes);
/// PBKDF2-HMAC-SHA256 of `secret` (32 bytes, as hex): slow on purpose, for stored PINs.
std::string pbkdf2_sha256_hex(std::string_view secret, std::string_view salt, int iterations);

}  // namespace junction
