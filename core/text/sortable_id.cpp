#include "core/text/sortable_id.hpp"

#include <cstdio>
#include <ctime>

namespace junction {

std::string sortable_id(std::uint64_t random, int hex_digits) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
  if (hex_digits < 16) random &= (std::uint64_t{1} << (4 * hex_digits)) - 1;
  char tail[24];
  std::snprintf(tail, sizeof tail, "%0*llx", hex_digits, static_cast<unsigned long long>(random));
  return std::string(stamp) + "-" + tail;
}

}  // namespace junction
