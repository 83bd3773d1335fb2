// A SIP trunk's configuration (the `trunks` list of the sip plugin's block).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "junction/config.hpp"

namespace junction::sip {

struct TrunkSettings {
  std::string name;
  std::string proxy_host;  ///< where requests go (IP literal or name, resolved at start)
  int proxy_port = 5060;
  std::string transport = "udp";  ///< udp or tcp
  std::string domain;             ///< of From/To/Request-URI; default proxy_host
  std::string username;           ///< registration user and digest user
  std::string password;
  std::string auth_username;  ///< digest user when it differs from username
  bool registers = false;
  std::chrono::seconds register_expires{600};
  std::chrono::seconds retry_min{5};                      ///< first retry after a failed registration ...
  std::chrono::seconds retry_max{300};                    ///< ... doubling up to this, with jitter, forever
  std::chrono::seconds keepalive{30};                     ///< OPTIONS interval; 0: no keepalive
  int failures_to_down = 2;                               ///< consecutive keepalive failures before "down"
  int successes_to_up = 2;                                ///< consecutive successes before "up" again
  std::chrono::milliseconds setup_timeout{8000};          ///< no answer at all by then: next trunk
  int weight = 1;                                         ///< share among trunks chosen with '|'
  bool match_source_port = false;                         ///< inbound: the source port must be proxy_port too
  std::string caller_id;                                  ///< From user of outbound calls; default the caller's number
  std::vector<std::pair<std::string, std::string>> dids;  ///< inbound number -> callee ("*": any)
};

ConfigSchema trunk_config_schema();
/// Reads the `trunks` list (already checked against the schema); throws ConfigError for
/// duplicate names, a bad proxy, register without username/password, min above max.
std::vector<TrunkSettings> read_trunk_settings(const ConfigNode* trunks);

}  // namespace junction::sip
