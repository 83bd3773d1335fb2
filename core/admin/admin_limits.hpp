// Bounds that keep the admin listener cheap and responsive however clients behave.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace junction {

struct AdminLimits {
  std::size_t max_header_bytes = 8 * 1024;   // larger header block → 431
  std::uint64_t max_body_bytes = 64 * 1024;  // larger body → 413
  /// Deadline for reading one whole request (or writing one response); a slow or idle
  /// client is disconnected after it.
  std::chrono::milliseconds request_timeout{10'000};
  /// Connections beyond this are closed as soon as they are accepted.
  std::size_t max_connections = 64;
};

}  // namespace junction
