#include "sip_settings.hpp"

#include <set>

namespace junction::sip {

ConfigSchema sip_config_schema() {
  using S = ConfigSchema;
  auto listen = S::map({
      {"transport", S::one_of({"udp", "tcp", "tls"}).with_default("udp")},
      {"address", S::string().with_default("127.0.0.1").with_doc("IP literal to bind")},
      {"port", S::integer(1, 65535).with_default("5060")},
      {"certificate_directory",
       S::string().with_doc("tls: directory with agent.pem (key + certificate) and cafile.pem")},
  });
  return S::map({
      {"realm", S::string().with_default("junction").with_doc("digest authentication realm")},
      {"listen", S::list(listen).with_doc("transports; default udp and tcp on 127.0.0.1:5060")},
      {"nonce_lifetime_s", S::integer(10, 86400).with_default("300")},
      {"registrar", S::map({
                        {"min_expires", S::integer(1, 86400).with_default("60")},
                        {"max_expires", S::integer(1, 604800).with_default("3600")},
                        {"default_expires", S::integer(1, 604800).with_default("3600")},
                        {"max_contacts", S::integer(1, 100).with_default("10")},
                    })},
      {"digest_algorithms", S::list(S::one_of({"sha256", "md5"}))
                                .with_doc("challenges offered to REGISTER and INVITE, strongest first; default "
                                          "[sha256, md5]; users[].sip_auth overrides per user")},
      {"trunks", S::list(trunk_config_schema()).with_doc("SIP trunks to providers or other PBXs")},
      {"timers", S::map({
                     {"t1_ms", S::integer(50, 10000).with_default("500").with_doc("RTT estimate (RFC 3261)")},
                     {"t2_ms", S::integer(500, 60000).with_default("4000")},
                     {"t4_ms", S::integer(500, 60000)
                                   .with_default("5000")
                                   .with_doc("how long finished transactions absorb retransmissions (timers I, K)")},
                     {"transaction_timeout_ms", S::integer(2000, 300000)
                                                    .with_default("32000")
                                                    .with_doc("T1×64: timers B, F, H, J and the hold of an answered "
                                                              "outbound INVITE")},
                 })},
      {"mwi", S::map({
                         {"min_expires_s", S::integer(1, 86400).with_default("60").with_doc(
                                               "shorter (non-zero) SUBSCRIBEs get 423 with Min-Expires")},
                         {"max_expires_s", S::integer(1, 604800).with_default("3600").with_doc(
                                               "longer SUBSCRIBEs are shortened; also the default")},
                         {"max_per_user", S::integer(1, 1000).with_default("10").with_doc(
                                              "subscriptions per mailbox; a new one drops the least recently "
                                              "refreshed")},
                         {"max_subscriptions", S::integer(1, 1000000)
                                                   .with_default("10000")
                                                   .with_doc("subscriptions in all; beyond, SUBSCRIBE gets 503")},
                     })
                  .with_doc("message-waiting indication (SUBSCRIBE/NOTIFY, message-summary)")},
      {"auth_throttle", S::map({
                            {"max_failures", S::integer(1, 1000).with_default("5")},
                            {"window_s", S::integer(1, 86400).with_default("60")},
                            {"block_s", S::integer(1, 604800).with_default("600")},
                        })},
  });
}

namespace {
const ConfigNode& section(const ConfigNode& block, const char* name) {
  static const ConfigNode empty = ConfigNode::map({}, "");
  const ConfigNode* node = block.find(name);
  return node ? *node : empty;
}
}  // namespace

SipSettings read_sip_settings(const ConfigNode& block) {
  SipSettings settings;
  settings.realm = block.get_string("realm", "junction");
  settings.nonce_lifetime = std::chrono::seconds(block.get_int("nonce_lifetime_s", 300));
  if (const ConfigNode* listen = block.find("listen"); listen && !listen->items().empty()) {
    std::set<std::string> seen;
    for (const ConfigNode& item : listen->items()) {
      ListenAddress address{item.get_string("transport", "udp"), item.get_string("address", "127.0.0.1"),
                            static_cast<int>(item.get_int("port", 5060)), item.get_string("certificate_directory")};
      if (address.transport == "tls" && address.certificate_directory.empty())
        throw ConfigError(item.mark(), item.path(), "tls needs certificate_directory");
      const std::string key = address.transport + ":" + address.address + ":" + std::to_string(address.port);
      if (!seen.insert(key).second) throw ConfigError(item.mark(), item.path(), "listens twice on " + key);
      settings.listen.push_back(std::move(address));
    }
  } else {
    settings.listen = {{"udp", "127.0.0.1", 5060, ""}, {"tcp", "127.0.0.1", 5060, ""}};
  }
  const ConfigNode& registrar = section(block, "registrar");
  settings.registrar.min_expires = std::chrono::seconds(registrar.get_int("min_expires", 60));
  settings.registrar.max_expires = std::chrono::seconds(registrar.get_int("max_expires", 3600));
  settings.registrar.default_expires = std::chrono::seconds(registrar.get_int("default_expires", 3600));
  settings.registrar.max_contacts_per_user = static_cast<std::size_t>(registrar.get_int("max_contacts", 10));
  if (settings.registrar.min_expires > settings.registrar.max_expires)
    throw ConfigError(registrar.mark(), registrar.path(), "min_expires is above max_expires");
  if (settings.registrar.default_expires < settings.registrar.min_expires ||
      settings.registrar.default_expires > settings.registrar.max_expires)
    throw ConfigError(registrar.mark(), registrar.path(),
                      "default_expires must lie between min_expires and max_expires");
  if (const ConfigNode* algorithms = block.find("digest_algorithms")) {
    settings.algorithms.clear();
    for (const ConfigNode& item : algorithms->items())
      settings.algorithms.push_back(item.text() == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::md5);
    if (settings.algorithms.empty())
      throw ConfigError(algorithms->mark(), algorithms->path(), "at least one algorithm is needed");
  }
  const ConfigNode& throttle = section(block, "auth_throttle");
  settings.throttle.max_failures = static_cast<int>(throttle.get_int("max_failures", 5));
  settings.throttle.window = std::chrono::seconds(throttle.get_int("window_s", 60));
  settings.throttle.block_for = std::chrono::seconds(throttle.get_int("block_s", 600));
  settings.trunks = read_trunk_settings(block.find("trunks"));
  const ConfigNode& timers = section(block, "timers");
  settings.timers.t1_ms = static_cast<unsigned>(timers.get_int("t1_ms", 500));
  settings.timers.t2_ms = static_cast<unsigned>(timers.get_int("t2_ms", 4000));
  settings.timers.t4_ms = static_cast<unsigned>(timers.get_int("t4_ms", 5000));
  settings.timers.t1x64_ms = static_cast<unsigned>(timers.get_int("transaction_timeout_ms", 32000));
  if (settings.timers.t2_ms < settings.timers.t1_ms)
    throw ConfigError(timers.mark(), timers.path(), "t2_ms must not be below t1_ms");
  const ConfigNode& mwi = section(block, "mwi");
  settings.mwi.min_expires = std::chrono::seconds(mwi.get_int("min_expires_s", 60));
  settings.mwi.max_expires = std::chrono::seconds(mwi.get_int("max_expires_s", 3600));
  settings.mwi.max_per_user = static_cast<std::size_t>(mwi.get_int("max_per_user", 10));
  settings.mwi.max_subscriptions = static_cast<std::size_t>(mwi.get_int("max_subscriptions", 10000));
  if (settings.mwi.min_expires > settings.mwi.max_expires)
    throw ConfigError(mwi.mark(), mwi.path(), "min_expires_s is above max_expires_s");
  if (settings.mwi.max_per_user > settings.mwi.max_subscriptions)
    throw ConfigError(mwi.mark(), mwi.path(), "max_per_user is above max_subscriptions");
  return settings;
}

}  // namespace junction::sip
