#include "trunk_board.hpp"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>

namespace junction::sip {

namespace {
std::vector<std::string> resolve(const std::string& host, std::string& problem) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    problem = ::gai_strerror(rc);
    return {};
  }
  std::vector<std::string> out;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = "";
    const void* where = a->ai_family == AF_INET
                            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (::inet_ntop(a->ai_family, where, text, sizeof text)) out.emplace_back(text);
  }
  ::freeaddrinfo(found);
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}
}  // namespace

TrunkBoard::TrunkBoard(std::vector<TrunkSettings> trunks, Logger& logger, Metrics& metrics)
    : trunks_(std::move(trunks)), logger_(logger), metrics_(metrics), random_(std::random_device{}()) {
  for (const TrunkSettings& trunk : trunks_) {
    std::string problem;
    addresses_[trunk.name] = resolve(trunk.proxy_host, problem);
    if (!problem.empty())
      logger_.error("trunk " + trunk.name + ": cannot resolve " + trunk.proxy_host + ": " + problem +
                    "; inbound calls from it are not recognised");
    TrunkStatus status;
    status.name = trunk.name;
    status.registration = trunk.registers ? "registering" : "off";
    status_[trunk.name] = status;
  }
}

std::vector<TrunkStatus> TrunkBoard::trunk_status() const {
  std::vector<TrunkStatus> out;
  for (const TrunkSettings& trunk : trunks_) out.push_back(status_.at(trunk.name));
  return out;
}

void TrunkBoard::update(const TrunkStatus& status, const std::string& detail) {
  auto it = status_.find(status.name);
  if (it == status_.end()) return;
  const TrunkStatus before = it->second;
  it->second = status;
  // Gauges first: whoever reads the log line finds the metrics already saying the same.
  metrics_.gauge("junction_sip_trunk_usable", "1 when calls may use the trunk", {{"trunk", status.name}})
      .set(status.usable ? 1 : 0);
  metrics_.gauge("junction_sip_trunk_registered", "1 while the trunk's registration is up", {{"trunk", status.name}})
      .set(status.registration == "registered" ? 1 : 0);
  const std::string line = "trunk " + status.name + ": " + status.registration +
                           (status.reachable ? ", reachable" : ", unreachable") + " (" + detail + ")";
  if (status.usable || !before.usable) {
    logger_.info(line);
  } else {
    logger_.warn(line);
  }
}

const TrunkSettings* TrunkBoard::find(std::string_view name) const {
  for (const TrunkSettings& trunk : trunks_)
    if (trunk.name == name) return &trunk;
  return nullptr;
}

bool TrunkBoard::usable(const std::string& name) const {
  auto it = status_.find(name);
  return it != status_.end() && it->second.usable;
}

std::vector<const TrunkSettings*> TrunkBoard::choose(std::string_view selection, std::string& error) {
  std::vector<const TrunkSettings*> order;
  for (std::string_view group_text : split(selection, ',')) {
    std::vector<const TrunkSettings*> group;
    for (std::string_view name : split(group_text, '|')) {
      const TrunkSettings* trunk = find(name);
      if (!trunk) {
        error = "no trunk named '" + std::string(name) + "'";
        return {};
      }
      if (usable(trunk->name)) group.push_back(trunk);
    }
    // Weighted order without replacement: each pick is proportional to the weights left.
    while (!group.empty()) {
      int total = 0;
      for (const TrunkSettings* t : group) total += t->weight;
      std::size_t pick = 0;
      if (total > 0) {
        int ticket = std::uniform_int_distribution<int>(0, total - 1)(random_);
        while (ticket >= group[pick]->weight) ticket -= group[pick++]->weight;
      }
      order.push_back(group[pick]);
      group.erase(group.begin() + static_cast<std::ptrdiff_t>(pick));
    }
  }
  return order;
}

const TrunkSettings* TrunkBoard::match_source(const std::string& address, int port) const {
  for (const TrunkSettings& trunk : trunks_) {
    const auto& ips = addresses_.at(trunk.name);
    if (std::find(ips.begin(), ips.end(), address) == ips.end()) continue;
    if (trunk.match_source_port && port != trunk.proxy_port) continue;
    return &trunk;
  }
  return nullptr;
}

std::string TrunkBoard::callee_for(const TrunkSettings& trunk, const std::vector<std::string>& numbers) {
  if (trunk.dids.empty()) return numbers.empty() ? std::string{} : numbers.front();  // no mapping: as dialled
  for (const std::string& number : numbers)
    for (const auto& [did, callee] : trunk.dids)
      if (did == number) return callee;
  for (const auto& [did, callee] : trunk.dids)
    if (did == "*") return callee;
  return {};
}

}  // namespace junction::sip
