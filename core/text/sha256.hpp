// SHA-256 (OpenSSL) as lowercase hex: what the spool records to recognise a damaged file.
#pragma once

#include <string>
#include <string_view>

namespace junction {

std::string sha256_hex(std::string_view bytes);

}  // namespace junction
