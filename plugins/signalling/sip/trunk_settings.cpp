#include "trunk_settings.hpp"

#include <charconv>
#include <set>

namespace junction::sip {

ConfigSchema trunk_config_schema() {
  using S = ConfigSchema;
  return S::map({
      {"name", S::string().with_doc("used in targets: trunk/<name>/<number>"), required},
      {"proxy", S::string().with_doc("host[:port] of the provider or PBX"), required},
      {"transport", S::one_of({"udp", "tcp"}).with_default("udp")},
      {"domain", S::string().with_doc("domain of From/To/Request-URI; default the proxy host")},
      {"username", S::string().with_doc("registration and digest user")},
      {"password", S::string()},
      {"auth_username", S::string().with_doc("digest user when it differs from username")},
      {"register", S::boolean().with_default("false").with_doc("keep a registration up at the proxy")},
      {"register_expires_s", S::integer(60, 86400).with_default("600")},
      {"retry_min_s", S::integer(1, 3600).with_default("5").with_doc("first retry after a failure")},
      {"retry_max_s", S::integer(1, 86400).with_default("300").with_doc("retries double up to this, forever")},
      {"keepalive_s", S::integer(0, 3600).with_default("30").with_doc("OPTIONS interval; 0: off")},
      {"failures_to_down", S::integer(1, 100).with_default("2")},
      {"successes_to_up", S::integer(1, 100).with_default("2")},
      {"setup_timeout_ms", S::integer(500, 120000)
                               .with_default("8000")
                               .with_doc("no response at all by then: fail over to the next trunk")},
      {"weight", S::integer(0, 1000).with_default("1").with_doc("share of calls among trunks chosen with '|'")},
      {"match_source_port", S::boolean().with_default("false").with_doc(
                                "inbound calls must come from the proxy's port too, not just its address")},
      {"caller_id", S::string().with_doc("From user of outbound calls; default the caller's number")},
      {"dids", S::map_of(S::string()).with_doc("inbound: dialled number -> callee; \"*\" matches any other")},
  });
}

namespace {
// "host", "host:port", "[v6]:port" -> host, port (5060 when absent). False when malformed.
bool split_host_port(const std::string& text, std::string& host, int& port) {
  port = 5060;
  std::string rest;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    rest = colon == std::string::npos ? "" : text.substr(colon);
  }
  if (host.empty() || host.find_first_of(" /;<>@") != std::string::npos) return false;
  if (rest.empty()) return true;
  if (rest.front() != ':' || rest.size() < 2) return false;
  const char* end = rest.data() + rest.size();
  auto [stop, ec] = std::from_chars(rest.data() + 1, end, port);
  return ec == std::errc{} && stop == end && port > 0 && port < 65536;
}
}  // namespace

std::vector<TrunkSettings> read_trunk_settings(const ConfigNode* trunks) {
  std::vector<TrunkSettings> out;
  if (!trunks) return out;
  std::set<std::string> names;
  for (const ConfigNode& item : trunks->items()) {
    TrunkSettings t;
    t.name = item.get_string("name");
    if (t.name.empty() || t.name.find_first_of("/|, ") != std::string::npos)
      throw ConfigError(item.mark(), item.path(), "trunk name must be non-empty without '/', '|', ',' or spaces");
    if (!names.insert(t.name).second) throw ConfigError(item.mark(), item.path(), "trunk '" + t.name + "' twice");
    const std::string proxy = item.get_string("proxy");
    if (!split_host_port(proxy, t.proxy_host, t.proxy_port))
      throw ConfigError(item.find("proxy")->mark(), item.path() + ".proxy",
                        "'" + proxy + "' is not host, host:port or [v6]:port");
    t.transport = item.get_string("transport", "udp");
    t.domain = item.get_string("domain", t.proxy_host);
    t.username = item.get_string("username");
    t.password = item.get_string("password");
    t.auth_username = item.get_string("auth_username", t.username);
    t.registers = item.get_bool("register", false);
    if (t.registers && (t.username.empty() || t.password.empty()))
      throw ConfigError(item.mark(), item.path(), "register: true needs username and password");
    t.register_expires = std::chrono::seconds(item.get_int("register_expires_s", 600));
    t.retry_min = std::chrono::seconds(item.get_int("retry_min_s", 5));
    t.retry_max = std::chrono::seconds(item.get_int("retry_max_s", 300));
    if (t.retry_min > t.retry_max) throw ConfigError(item.mark(), item.path(), "retry_min_s is above retry_max_s");
    t.keepalive = std::chrono::seconds(item.get_int("keepalive_s", 30));
    t.failures_to_down = static_cast<int>(item.get_int("failures_to_down", 2));
    t.successes_to_up = static_cast<int>(item.get_int("successes_to_up", 2));
    t.setup_timeout = std::chrono::milliseconds(item.get_int("setup_timeout_ms", 8000));
    t.weight = static_cast<int>(item.get_int("weight", 1));
    t.match_source_port = item.get_bool("match_source_port", false);
    t.caller_id = item.get_string("caller_id");
    if (const ConfigNode* dids = item.find("dids"))
      for (const auto& [number, callee] : dids->entries()) t.dids.emplace_back(number, callee.text());
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace junction::sip
