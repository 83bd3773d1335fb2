// One trunk's standing connection to its provider, on the sofia thread: the outbound
// registration (digest auth, refresh before expiry, retries with backoff and jitter that never
// give up, auth failures told apart from an unreachable proxy) and the OPTIONS keepalive with
// hysteresis. What it learns is reported as TrunkStatus values.
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>

#include "junction/trunks.hpp"
#include "sofia_timer.hpp"
#include "trunk_settings.hpp"

struct nta_agent_s;
struct nta_leg_s;
struct nta_outgoing_s;
struct auth_client_s;
struct su_home_s;
struct su_root_s;

namespace junction::sip {

class TrunkLink {
 public:
  /// Receives the trunk's status whenever it changes, plus a detail for the log.
  using Reporter = std::function<void(const TrunkStatus& status, const std::string& detail)>;

  TrunkLink(su_root_s* root, nta_agent_s* agent, TrunkSettings settings, std::string contact, Reporter report);
  ~TrunkLink();  // drops the registration without un-registering (the daemon is stopping)
  TrunkLink(const TrunkLink&) = delete;
  TrunkLink& operator=(const TrunkLink&) = delete;

  /// Sends the first REGISTER and OPTIONS.
  void start();

  // nta callbacks (public for the C trampolines).
  int on_register_response(nta_outgoing_s* orq, const void* sip);
  int on_options_response(nta_outgoing_s* orq, const void* sip);

 private:
  void send_register(const void* challenge);
  void registration_failed(const std::string& state, const std::string& detail);
  void send_options();
  void keepalive_result(bool alive, const std::string& detail);
  std::chrono::milliseconds options_deadline() const;
  void publish(const std::string& detail);
  std::string proxy_url() const;

  TrunkSettings settings_;
  std::string contact_;
  Reporter report_;
  nta_agent_s* agent_;
  su_home_s* home_;                    // the digest client's state, for the trunk's life
  su_home_s* attempt_home_ = nullptr;  // one REGISTER attempt's allocations
  nta_leg_s* register_leg_ = nullptr;
  nta_leg_s* options_leg_ = nullptr;
  nta_outgoing_s* register_request_ = nullptr;
  nta_outgoing_s* options_request_ = nullptr;
  auth_client_s* auth_ = nullptr;
  int challenges_in_a_row_ = 0;
  std::chrono::seconds backoff_;
  std::chrono::seconds expires_;  // asked for; raised by a 423
  SofiaTimer register_timer_;
  SofiaTimer keepalive_timer_;
  SofiaTimer options_deadline_;  // an OPTIONS unanswered this long counts as a failure
  int keepalive_failures_ = 0;
  int keepalive_successes_ = 0;
  TrunkStatus status_;
  std::minstd_rand random_;
};

}  // namespace junction::sip
