// The SIP plugin's config block: its schema and the typed settings read from it.
#pragma once

#include <string>
#include <vector>

#include "auth_throttle.hpp"
#include "junction/config.hpp"
#include "mwi_summary.hpp"
#include "registration_handler.hpp"
#include "trunk_settings.hpp"

namespace junction::sip {

struct ListenAddress {
  std::string transport;  ///< udp, tcp or tls
  std::string address;
  int port = 5060;
  std::string certificate_directory;  ///< tls only: sofia's TLS directory (agent.pem, cafile.pem)
};

/// SIP timers (RFC 3261 17): what nta uses for retransmissions and for how long finished
/// transactions are kept to absorb retransmissions (T1×64: 32 s; T4: 5 s), which is most of
/// the memory a busy server holds.
struct SipTimers {
  unsigned t1_ms = 500;
  unsigned t2_ms = 4000;
  unsigned t4_ms = 5000;
  unsigned t1x64_ms = 32000;
};

struct SipSettings {
  std::string realm;
  std::vector<ListenAddress> listen;
  RegistrarPolicy registrar;
  std::vector<DigestAlgorithm> algorithms{DigestAlgorithm::sha256, DigestAlgorithm::md5};
  AuthThrottlePolicy throttle;
  std::chrono::seconds nonce_lifetime{300};
  std::vector<TrunkSettings> trunks;
  SipTimers timers;
  MwiPolicy mwi;
};

ConfigSchema sip_config_schema();
/// Reads a block that passed the schema; throws ConfigError for what the schema cannot see
/// (min above max, tls without certificates, the same address twice, mwi limits out of order).
SipSettings read_sip_settings(const ConfigNode& block);

}  // namespace junction::sip
