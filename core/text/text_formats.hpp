// Small text formats shared by the log, the admin API and the call detail records.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace junction {

/// A JSON string literal (quotes included) with control characters escaped.
std::string json_string(std::string_view text);

/// "2026-11-22T09:58:12.345Z"
std::string iso8601_utc(std::chrono::system_clock::time_point when);

}  // namespace junction
