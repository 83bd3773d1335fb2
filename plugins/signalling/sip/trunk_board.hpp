// The trunks as the call loop knows them: their settings and current status (published to
// routing), which trunks a call may use ("a|b,c": groups tried in order, shares by weight
// within a group, unusable trunks left out), and which trunk an inbound INVITE came through.
#pragma once

#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "junction/logger.hpp"
#include "junction/metrics.hpp"
#include "junction/trunks.hpp"
#include "trunk_settings.hpp"

namespace junction::sip {

class TrunkBoard final : public TrunkStatusSource {
 public:
  /// Resolves each proxy's addresses now (for matching inbound calls); a name that does not
  /// resolve is logged and matched by nothing until the next start.
  TrunkBoard(std::vector<TrunkSettings> trunks, Logger& logger, Metrics& metrics);

  std::vector<TrunkStatus> trunk_status() const override;
  /// A trunk link reported; logs changes and updates the gauges.
  void update(const TrunkStatus& status, const std::string& detail);

  const std::vector<TrunkSettings>& trunks() const { return trunks_; }
  const TrunkSettings* find(std::string_view name) const;

  /// Trunks to try, in order, for a selection such as "a|b,c". Sets `error` for unknown names.
  std::vector<const TrunkSettings*> choose(std::string_view selection, std::string& error);

  /// The trunk whose proxy sent a request from `address` (and `port`, where the trunk asks).
  const TrunkSettings* match_source(const std::string& address, int port) const;

  /// The callee of an inbound call on `trunk` dialled as any of `numbers` (Request-URI user
  /// first, then To): its DID entry, else the "*" entry; "" when none matches. A trunk
  /// without DIDs passes the first number on as dialled.
  static std::string callee_for(const TrunkSettings& trunk, const std::vector<std::string>& numbers);

 private:
  bool usable(const std::string& name) const;

  std::vector<TrunkSettings> trunks_;
  std::map<std::string, std::vector<std::string>, std::less<>> addresses_;  // resolved proxy IPs
  std::map<std::string, TrunkStatus, std::less<>> status_;
  Logger& logger_;
  Metrics& metrics_;
  std::minstd_rand random_;
};

}  // namespace junction::sip
