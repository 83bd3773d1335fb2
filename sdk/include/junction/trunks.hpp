// Trunks (connections to a SIP provider or another PBX) as routing sees them: their names and
// whether calls can use them now. Published by the plugins that run trunks; routing rules get
// them with every request so they can steer around a trunk that is down.
#pragma once

#include <string>
#include <vector>

namespace junction {

struct TrunkStatus {
  std::string name;
  /// "registered", "registering", "auth_failed", "unreachable" or "off" (no registration).
  std::string registration;
  bool reachable = true;  ///< the keepalive's verdict (with hysteresis); true without keepalive
  bool usable = true;     ///< calls may be sent: reachable and not failing registration
};

/// Runs on the call loop.
class TrunkStatusSource {
 public:
  virtual ~TrunkStatusSource() = default;
  virtual std::vector<TrunkStatus> trunk_status() const = 0;
};

}  // namespace junction
