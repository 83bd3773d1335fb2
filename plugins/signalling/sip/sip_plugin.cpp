// Plugin "sip": SIP over sofia-sip's transaction layer: the registrar (digest authentication,
// toll-fraud throttle, location service), the "sip" channel driver (calls as a B2BUA with the
// SDP passed through), the "registered_users" routing strategy and message-waiting indication
// (SUBSCRIBE/NOTIFY for message-summary, fed by the mailboxes' counts).
#include <openssl/rand.h>

#include <atomic>
#include <memory>

#include "junction/junction.hpp"
#include "nta_stack.hpp"
#include "registered_users_routing.hpp"
#include "registration_handler.hpp"
#include "sip_channel_driver.hpp"
#include "sip_settings.hpp"
#include "sofia_loop.hpp"
#include "subscribe_handler.hpp"
#include "trunk_channel_driver.hpp"

namespace junction::sip {
namespace {

std::string random_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("sip: no randomness for the nonce secret");
  return std::string(reinterpret_cast<char*>(bytes), sizeof bytes);
}

// Everything the two threads share. Tasks on either loop hold it, so it outlives the plugin
// object if a task is still queued when the plugin stops.
struct SipState {
  SipState(Host& host, const SipSettings& settings)
      : host(host),
        authenticator(settings.realm, random_secret(), settings.nonce_lifetime),
        throttle(settings.throttle),
        trunks(std::make_shared<TrunkBoard>(settings.trunks, host.logger(), host.metrics())),
        request_auth(host.directory(), authenticator, throttle, settings.algorithms),
        registrar(host.location(), request_auth, settings.registrar),
        subscriptions(request_auth, host.mailboxes(), settings.realm, settings.mwi),
        registered(
            host.metrics().counter("junction_sip_register_total", "REGISTER requests by answer", {{"status", "200"}})),
        challenged(
            host.metrics().counter("junction_sip_register_total", "REGISTER requests by answer", {{"status", "401"}})),
        refused(host.metrics().counter("junction_sip_register_total", "REGISTER requests by answer",
                                       {{"status", "other"}})),
        blocked_sources(host.metrics().gauge("junction_sip_blocked_sources",
                                             "Sources blocked after repeated authentication failures")) {
    constexpr const char* subscribe_help = "SUBSCRIBE requests (message-summary) by answer";
    constexpr const char* notify_help = "message-waiting NOTIFYs by how they were answered";
    mwi_metrics.subscriptions = &host.metrics().gauge(
        "junction_sip_mwi_subscriptions", "Active message-waiting subscriptions (SUBSCRIBE message-summary)");
    mwi_metrics.notify_ok = &host.metrics().counter("junction_sip_mwi_notify_total", notify_help, {{"result", "ok"}});
    mwi_metrics.notify_failed =
        &host.metrics().counter("junction_sip_mwi_notify_total", notify_help, {{"result", "failed"}});
    mwi_metrics.subscribe_ok =
        &host.metrics().counter("junction_sip_subscribe_total", subscribe_help, {{"status", "200"}});
    mwi_metrics.subscribe_challenged =
        &host.metrics().counter("junction_sip_subscribe_total", subscribe_help, {{"status", "401"}});
    mwi_metrics.subscribe_other =
        &host.metrics().counter("junction_sip_subscribe_total", subscribe_help, {{"status", "other"}});
  }

  Host& host;
  DigestAuthenticator authenticator;  // the three below: call loop only
  AuthThrottle throttle;
  std::shared_ptr<TrunkBoard> trunks;
  RequestAuthenticator request_auth;
  RegistrationHandler registrar;
  SubscribeHandler subscriptions;  // call loop only
  MwiMetrics mwi_metrics;
  SofiaLoop sofia;
  std::unique_ptr<NtaStack> stack;         // sofia thread only
  std::weak_ptr<SipChannelDriver> driver;  // call loop only; owned by the registrar and the engine's legs
  std::atomic<bool> stopped{false};
  Counter& registered;
  Counter& challenged;
  Counter& refused;
  Gauge& blocked_sources;
  TimerId gauge_timer = 0;  // call loop only
};

// Counting blocked sources walks the throttle's table: once a second, not per REGISTER.
void refresh_blocked_gauge(const std::weak_ptr<SipState>& weak) {
  auto state = weak.lock();
  if (!state || state->stopped) return;
  state->blocked_sources.set(static_cast<double>(state->throttle.blocked_sources(AuthThrottle::Clock::now())));
  state->gauge_timer =
      state->host.executor().call_after(std::chrono::seconds(1), [weak] { refresh_blocked_gauge(weak); });
}

// Changed mailbox counts, from the call loop to the subscriptions on the sofia thread.
class SipMailboxWatcher final : public MailboxWatcher {
 public:
  explicit SipMailboxWatcher(std::weak_ptr<SipState> state) : state_(std::move(state)) {}
  void mailbox_changed(const std::string& box, const MailboxCounts& counts) override {
    auto state = state_.lock();
    if (!state || state->stopped) return;
    state->sofia.post([state, box, counts] {
      if (state->stack) state->stack->mwi().mailbox_changed(box, counts);
    });
  }

 private:
  std::weak_ptr<SipState> state_;
};

class SipPlugin final : public Plugin {
 public:
  void configure(const ConfigNode& config) override { settings_ = read_sip_settings(config); }

  void start(Host& host) override {
    state_ = std::make_shared<SipState>(host, settings_);
    std::weak_ptr<SipState> weak = state_;
    // Everything the sofia thread hands to the call loop goes out in one batch per burst.
    state_->sofia.set_outbox([weak](std::vector<SofiaLoop::Task> batch) {
      auto state = weak.lock();
      if (!state) return;
      state->host.executor().post([batch = std::move(batch)] {
        for (const auto& task : batch) task();
      });
    });
    auto on_register = [weak](NtaStack::Pending transaction, RegisterRequest request) {
      auto state = weak.lock();
      if (!state) return;
      state->sofia.send_out(
          [state, transaction, request = std::move(request)] { decide(state, transaction, request); });
    };
    // Sofia-side work for the driver runs on the sofia thread, in order, while the stack exists.
    auto to_sofia = [weak](std::function<void(CallSignalling&)> command) {
      auto state = weak.lock();
      if (!state || state->stopped) return;
      state->sofia.post([state, command = std::move(command)] {
        if (state->stack) command(state->stack->calls());
      });
    };
    auto driver = std::make_shared<SipChannelDriver>(host.calls(), host.location(), state_->request_auth,
                                                     *state_->trunks, host.logger(), host.metrics(), to_sofia, state_);
    state_->driver = driver;
    CallSignalling::Events events;
    events.incoming = [weak](std::shared_ptr<SipDialog> dialog, InviteRequest request) {
      on_call_loop(weak, [dialog, request = std::move(request)](SipChannelDriver& driver) mutable {
        driver.on_incoming(dialog, std::move(request));
      });
    };
    events.event = [weak](std::shared_ptr<SipDialog> dialog, LegEvent event) {
      on_call_loop(weak, [dialog, event = std::move(event)](SipChannelDriver& driver) mutable {
        driver.on_event(dialog, std::move(event));
      });
    };
    auto on_trunk = [weak](const TrunkStatus& status, const std::string& detail) {
      auto state = weak.lock();
      if (!state) return;
      state->sofia.send_out([state, status, detail] {
        if (!state->stopped) state->trunks->update(status, detail);
      });
    };
    NtaStack::MwiSetup mwi{settings_.mwi, state_->mwi_metrics, {}};
    mwi.events.subscribe = [weak](MwiSubscriptions::Pending pending, SubscribeRequest request) {
      auto state = weak.lock();
      if (!state) return;
      state->sofia.send_out(
          [state, pending, request = std::move(request)] { decide_subscribe(state, pending, request); });
    };
    mwi.events.log = [weak](LogLevel level, std::string line) {
      auto state = weak.lock();
      if (!state) return;
      state->sofia.send_out([state, level, line = std::move(line)] {
        if (!state->stopped) state->host.logger().write(level, {}, line);
      });
    };
    state_->sofia.start([state = state_.get(), listen = settings_.listen, timers = settings_.timers, on_register,
                         events = std::move(events), trunks = settings_.trunks, on_trunk,
                         mwi = std::move(mwi)](su_root_s* root) {
      state->stack = std::make_unique<NtaStack>(root, listen, timers, on_register, events, trunks, on_trunk, mwi);
    });
    host.registrar().add_channel_driver(driver);
    host.registrar().add_channel_driver(std::make_shared<TrunkChannelDriver>(driver));
    host.registrar().add_trunk_status_source(state_->trunks);
    host.registrar().add_routing_strategy(std::make_shared<RegisteredUsersRouting>(host.directory(), host.location()));
    host.registrar().add_mailbox_watcher(std::make_shared<SipMailboxWatcher>(weak));
    refresh_blocked_gauge(weak);
    std::string where;
    for (const auto& l : settings_.listen) where += " " + l.transport + ":" + l.address + ":" + std::to_string(l.port);
    host.logger().info("listening on" + where + ", realm " + settings_.realm);
  }

  void stop() override {
    if (!state_) return;
    state_->stopped = true;
    state_->host.executor().cancel(state_->gauge_timer);
    SipState* state = state_.get();
    state_->sofia.stop([state](std::function<void()> done) {
      state->stack.reset();
      done();
    });
    state_.reset();
  }

 private:
  // From the sofia thread: runs `work` with the driver on the call loop, if both still exist.
  template <class Work>
  static void on_call_loop(const std::weak_ptr<SipState>& weak, Work work) {
    auto state = weak.lock();
    if (!state) return;
    state->sofia.send_out([state, work = std::move(work)]() mutable {
      if (auto driver = state->driver.lock()) work(*driver);
    });
  }

  // On the call loop: the registrar decides, the answer goes back to the sofia thread.
  static void decide(const std::shared_ptr<SipState>& state, NtaStack::Pending transaction,
                     const RegisterRequest& request) {
    if (state->stopped) return;
    const RegisterResponse response =
        state->registrar.handle(request, std::chrono::system_clock::now(), AuthThrottle::Clock::now());
    (response.status == 200 ? state->registered : response.status == 401 ? state->challenged : state->refused).add();
    const bool quiet =
        response.status == 401 || (response.status == 200 && !state->host.logger().enabled(LogLevel::debug));
    if (!quiet) {
      const std::string line = "REGISTER " + request.aor_user + " from " + request.received + ": " +
                               std::to_string(response.status) + " " + response.log_detail;
      if (response.status == 200) {
        state->host.logger().debug(line);
      } else {
        state->host.logger().warn(line);
      }
    }
    state->sofia.post([state, transaction, response] {
      if (state->stack) state->stack->reply(transaction, response);
    });
  }

  // On the call loop: whether a SUBSCRIBE is taken, with the mailbox's counts now; the answer
  // (and the dialog, and the first NOTIFY) is made on the sofia thread.
  static void decide_subscribe(const std::shared_ptr<SipState>& state, MwiSubscriptions::Pending pending,
                               const SubscribeRequest& request) {
    if (state->stopped) return;
    const SubscribeDecision decision =
        state->subscriptions.handle(request, std::chrono::system_clock::now(), AuthThrottle::Clock::now());
    if (decision.status != 401) {
      const std::string box = request.request_user.empty() ? request.to_user : request.request_user;
      const std::string line = "SUBSCRIBE " + request.event + " " + box + " by " + request.from_user + " from " +
                               request.received + ": " + std::to_string(decision.status) + " " + decision.log_detail;
      // Phones ask for presence or dialog state as a matter of course: 489 is no news either.
      if (decision.status == 200 || decision.status == 489) {
        state->host.logger().debug(line);
      } else {
        state->host.logger().warn(line);
      }
    }
    state->sofia.post([state, pending, decision] {
      if (state->stack) state->stack->mwi().answer(pending, decision);
    });
  }

  SipSettings settings_;
  std::shared_ptr<SipState> state_;
};

}  // namespace
}  // namespace junction::sip

JUNCTION_PLUGIN(junction::sip::SipPlugin, "sip", "0.1.0",
                "SIP over sofia-sip: registrar with digest authentication, calls as a B2BUA with media bypass",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), &junction::sip::sip_config_schema);
