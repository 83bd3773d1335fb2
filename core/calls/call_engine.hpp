// The call engine: calls made of legs from channel drivers, tied to a call flow.
//
// Runs entirely on the call loop. Drivers report leg events; the engine keeps leg and call
// state, starts the flow of each inbound call and carries out what the flow's verbs ask
// (answer, dial, hang up). A call ends when its flow has finished and no leg is left.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/calls/call_detail_record.hpp"
#include "core/calls/call_flow_host.hpp"
#include "core/calls/call_state.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/logger.hpp"
#include "junction/metrics.hpp"
#include "junction/routing.hpp"
#include "junction/script.hpp"

namespace junction {

class CallEngineImpl final : public CallEngine {
 public:
  CallEngineImpl(Executor& loop, ServiceRegistry& registry, Logger& logger, Metrics& metrics);
  ~CallEngineImpl() override;

  void set_flow_host(CallFlowHost* flows) { flows_ = flows; }
  /// While false (shutting down), new inbound calls are refused with temporary_failure.
  void set_accepting(bool accepting) { accepting_ = accepting; }
  /// Receives the call detail record of every call that ends.
  void set_cdr_sink(std::function<void(const CallDetailRecord&)> sink) { cdr_sink_ = std::move(sink); }
  /// Routing strategies asked, in order, for numbers that are not explicit "driver/x" targets.
  void set_routing_order(std::vector<std::string> strategies) { routing_order_ = std::move(strategies); }

  // CallEngine (drivers)
  LegId incoming(ChannelDriver& driver, IncomingCall call) override;
  void leg_event(LegId leg, LegEvent event) override;
  std::size_t active_calls() const override { return calls_.size(); }
  SessionDescription remote_session(LegId leg) const override;
  bool answer_leg(LegId leg, const SessionDescription& session) override;
  void when_call_ends(const std::string& call_id, std::function<void()> ended) override;
  LegId peer_of(LegId leg) const override;
  bool offer_session(LegId leg, const SessionDescription& offer,
                     std::function<void(const SessionDescription&, int)> done) override;
  void answer_offer(LegId leg, const SessionDescription& answer, int cause = 0) override;

  // Flow side
  /// The flow of `call_id` is over; remaining legs are cleared with `cause` (0: the engine
  /// picks normal clearing for answered legs and call_rejected for unanswered ones).
  void flow_finished(const std::string& call_id, int cause);
  /// Answers the caller's leg; resolves when the driver confirms.
  void answer_caller(const std::string& call_id, const std::shared_ptr<Completion>& done);
  /// Clears every leg of the call. The flow keeps running; later call verbs fail with "hangup".
  void hangup_call(const std::string& call_id, int cause);
  /// Refuses the unanswered caller by redirecting it, and clears every other leg.
  void redirect_caller(const std::string& call_id, const std::string& destination);
  /// Turns a number into targets: explicit "driver/destination" targets stand for themselves,
  /// anything else goes to the routing strategies in order. Throws std::runtime_error.
  RouteDecision route(const std::string& call_id, const std::string& number);

  // Leg primitives for operations such as dialling
  /// Starts an outbound leg of `call_id` to "driver/destination", offering the caller's
  /// session. `dialled` is the number the target was routed from (the callee the far end
  /// sees; the destination when empty). Returns 0 and sets `error` when the driver does not
  /// exist.
  LegId originate(const std::string& call_id, const std::string& target,
                  std::function<void(LegId, const LegEvent&)> observer, std::chrono::milliseconds timeout,
                  std::string& error, const std::string& dialled = {});
  /// Tells an unanswered caller that a callee is ringing, with its early media if any.
  void alert_caller(const std::string& call_id, const SessionDescription& early_media);
  void hangup_leg(LegId leg, int cause);
  /// Connects the caller with an answered outbound leg (answers the caller first if needed).
  void bridge(const std::string& call_id, LegId b_leg);

  const CallRecord* find_call(const std::string& call_id) const;
  const LegRecord* find_leg(LegId leg) const;
  Executor& loop() { return loop_; }
  Logger& logger() { return logger_; }

 private:
  void caller_event(CallRecord& call, LegRecord& leg, const LegEvent& event);
  /// Whether the caller's leg counts as answered when it is cleared (see answer_sent).
  bool answered_or_answering(CallRecord& call, const LegRecord& leg);
  /// Passes a re-INVITE style offer or its answer to the bridged peer of `leg`.
  void relay_session(LegRecord& leg, const LegEvent& event);
  void end_call_if_done(const std::string& call_id);
  /// Sends the anchor's offer that waited for the leg to be answered.
  void send_queued_offer(LegRecord& leg);
  void erase_leg(LegId leg);
  /// Runs a command on a driver; events the driver reports from inside it are deferred.
  template <class Command>
  void with_driver(Command&& command) {
    struct Depth {
      int& depth;
      explicit Depth(int& d) : depth(d) { ++depth; }
      ~Depth() { --depth; }
    } depth(driver_calls_);
    command();
  }

  Executor& loop_;
  ServiceRegistry& registry_;
  Logger& logger_;
  CallFlowHost* flows_ = nullptr;
  bool accepting_ = true;
  int driver_calls_ = 0;
  std::vector<std::string> routing_order_;
  std::function<void(const CallDetailRecord&)> cdr_sink_;
  std::unordered_map<LegId, LegRecord> legs_;
  std::unordered_map<std::string, CallRecord> calls_;
  std::unordered_map<std::string, std::shared_ptr<Completion>> answer_waiters_;
  std::unordered_multimap<std::string, std::function<void()>> end_watchers_;
  LegId next_leg_ = 1;
  std::uint64_t next_call_ = 1;
  Counter& calls_total_;
  Counter& calls_answered_;
  Gauge& calls_active_;
};

}  // namespace junction
