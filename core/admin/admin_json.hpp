// JSON answers of the operator's routes: a body as it is, or {"error": "..."}.
#pragma once

#include <string>

#include "core/admin/admin_http.hpp"
#include "core/text/text_formats.hpp"

namespace junction {

inline AdminResponse json_response(int status, std::string body) {
  return {.status = status, .content_type = "application/json", .body = std::move(body) + "\n"};
}

inline AdminResponse json_error(int status, const std::string& message) {
  return json_response(status, "{\"error\": " + json_string(message) + "}");
}

}  // namespace junction
