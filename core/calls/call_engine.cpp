#include "core/calls/call_engine.hpp"

#include "junction/cause.hpp"

namespace junction {

namespace {
std::string context_of(const std::string& call_id) { return "call=" + call_id; }

std::int64_t millis_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}
}  // namespace

CallEngineImpl::CallEngineImpl(Executor& loop, ServiceRegistry& registry, Logger& logger, Metrics& metrics)
    : loop_(loop),
      registry_(registry),
      logger_(logger),
      calls_total_(metrics.counter("junction_calls_total", "Calls presented to the engine")),
      calls_answered_(metrics.counter("junction_calls_answered_total", "Calls whose caller leg was answered")),
      calls_active_(metrics.gauge("junction_calls_active", "Calls in progress")) {}

CallEngineImpl::~CallEngineImpl() = default;

LegId CallEngineImpl::incoming(ChannelDriver& driver, IncomingCall request) {
  std::shared_ptr<ChannelDriver> owned = registry_.driver(driver.name());
  if (owned.get() != &driver) owned = std::shared_ptr<ChannelDriver>(std::shared_ptr<void>{}, &driver);

  const LegId leg_id = next_leg_++;
  CallRecord call;
  call.id = "c-" + std::to_string(next_call_++);
  call.a_leg = leg_id;
  call.caller = request.caller;
  call.callee = request.callee;
  call.headers = request.headers;
  call.started = loop_.now();
  call.started_wall = std::chrono::system_clock::now();
  call.driver = std::string(driver.name());

  LegRecord leg;
  leg.id = leg_id;
  leg.call_id = call.id;
  leg.driver = owned;
  leg.inbound = true;
  leg.state = LegState::ringing;
  leg.remote_session = std::move(request.offer);
  legs_.emplace(leg_id, std::move(leg));

  CallInfo info{
      call.id, leg_id, request.caller, request.callee, std::move(request.headers), std::string(driver.name())};
  logger_.info("incoming from '" + call.caller.number + "' to '" + call.callee.number + "' via " + info.driver,
               context_of(call.id));
  const bool run_flow = flows_ != nullptr && accepting_;
  call.flow_running = run_flow;
  const std::string call_id = call.id;
  calls_.emplace(call_id, std::move(call));
  calls_total_.add();
  calls_active_.set(static_cast<double>(calls_.size()));

  if (run_flow) {
    // The driver gets its leg id back before the flow's first verb can touch the leg.
    loop_.post([this, info = std::move(info)] {
      auto call = calls_.find(info.call_id);
      if (call == calls_.end()) return;
      if (call->second.caller_gone) {
        flow_finished(info.call_id, 0);  // hung up before the flow could start: nothing to run
      } else if (flows_) {
        flows_->start_flow(info);
      } else {
        flow_finished(info.call_id, cause::temporary_failure);  // shut down in between
      }
    });
  } else {
    // No flow will run (none configured, or shutting down): refuse once the driver has its id.
    const int refusal = flows_ ? cause::temporary_failure : cause::no_route;
    loop_.post([this, call_id, refusal] { flow_finished(call_id, refusal); });
  }
  return leg_id;
}

void CallEngineImpl::leg_event(LegId leg_id, LegEvent event) {
  if (driver_calls_ > 0) {
    // Reported from inside one of our own driver commands (originate, answer ...): handle it
    // after the command returned, so the engine's and the operations' state is settled first.
    loop_.post([this, leg_id, event = std::move(event)]() mutable { leg_event(leg_id, std::move(event)); });
    return;
  }
  auto leg_it = legs_.find(leg_id);
  if (leg_it == legs_.end()) return;  // ended or unknown: late events are normal on networks
  LegRecord& leg = leg_it->second;
  if (leg.state == LegState::ended) return;
  switch (event.type) {
    case LegEventType::ringing:
    case LegEventType::progress:
      if (leg.state == LegState::calling) leg.state = LegState::ringing;
      if (!event.session.empty()) leg.remote_session = event.session;
      break;
    case LegEventType::answered:
      leg.state = LegState::answered;
      if (!event.session.empty()) leg.remote_session = event.session;
      if (!leg.offer_after_answer.empty()) send_queued_offer(leg);
      break;
    case LegEventType::hung_up:
      leg.state = LegState::ended;
      if (leg.offer_done) {
        // The anchor's offer will never be answered; tell it after the leg's own handling.
        loop_.post([done = std::exchange(leg.offer_done, nullptr), cause = event.cause] {
          done({}, cause ? cause : cause::normal_clearing);
        });
      }
      break;
    case LegEventType::dtmf: {
      MediaAnchor* anchor = registry_.media_anchor();
      if (anchor && anchor->digit(leg.call_id, leg_id, event.digit)) break;
      // Nobody here wanted it: the bridged peer gets it, as it would have in the media.
      if (auto peer = leg.peer ? legs_.find(leg.peer) : legs_.end(); peer != legs_.end())
        with_driver([&] { peer->second.driver->send_digit(peer->first, event.digit); });
      break;
    }
    case LegEventType::session_offer:
      if (MediaAnchor* anchor = registry_.media_anchor()) {
        leg.pending_offer = event.session;
        leg.offer_taken = true;
        if (anchor->take_offer(leg.call_id, leg_id, event.session)) return;
        if (auto it = legs_.find(leg_id); it != legs_.end()) {
          it->second.pending_offer = {};
          it->second.offer_taken = false;
        }
      }
      return relay_session(leg, event);
    case LegEventType::session_answer:
      if (leg.offer_done) {
        auto done = std::exchange(leg.offer_done, nullptr);
        if (!event.session.empty()) leg.remote_session = event.session;
        return done(event.session, event.cause);
      }
      return relay_session(leg, event);
  }
  if (leg.inbound) {
    auto call_it = calls_.find(leg.call_id);
    if (call_it != calls_.end()) caller_event(call_it->second, leg, event);
  } else if (leg.observer) {
    auto observer = leg.observer;  // the observer may erase the leg
    observer(leg_id, event);
  }
  if (event.type == LegEventType::hung_up) {
    auto it = legs_.find(leg_id);
    if (it != legs_.end()) {
      std::string call_id = it->second.call_id;
      erase_leg(leg_id);
      end_call_if_done(call_id);
    }
  }
}

void CallEngineImpl::caller_event(CallRecord& call, LegRecord& leg, const LegEvent& event) {
  if (event.type == LegEventType::answered) {
    if (call.answered == Clock::time_point{}) {
      call.answered = loop_.now();
      call.answered_wall = std::chrono::system_clock::now();
      calls_answered_.add();
    }
    if (auto it = answer_waiters_.find(call.id); it != answer_waiters_.end()) {
      auto done = std::move(it->second);
      answer_waiters_.erase(it);
      done->resolve({true});
    }
    return;
  }
  if (event.type != LegEventType::hung_up) return;
  (void)leg;
  call.caller_gone = true;
  if (call.cause == 0) call.cause = event.cause ? event.cause : cause::normal_clearing;
  logger_.info("caller hung up (" + std::string(cause::name(call.cause)) + ")", context_of(call.id));
  answer_waiters_.erase(call.id);
  const std::string call_id = call.id;
  if (call.flow_running && flows_) flows_->caller_hung_up(call_id, call.cause);
  // The flow's cancelled verb cleared its own legs; clear whatever is left.
  if (auto it = calls_.find(call_id); it != calls_.end()) {
    for (LegId b : std::vector<LegId>(it->second.b_legs)) hangup_leg(b, cause::normal_clearing);
  }
}

void CallEngineImpl::relay_session(LegRecord& leg, const LegEvent& event) {
  auto peer = leg.peer ? legs_.find(leg.peer) : legs_.end();
  if (event.type == LegEventType::session_answer) {
    if (peer == legs_.end()) return;
    LegRecord& origin = peer->second;
    if (!event.session.empty()) {
      leg.remote_session = event.session;
      origin.remote_session = std::move(origin.pending_offer);
    }
    origin.pending_offer = {};
    with_driver([&] { origin.driver->answer_session(origin.id, event.session, event.cause); });
    return;
  }
  // An offer: only a bridged peer can answer it; without one (or a driver that cannot
  // re-offer) it is refused, and the leg keeps its current session.
  bool forwarded = false;
  if (peer != legs_.end())
    with_driver([&] { forwarded = peer->second.driver->update_session(peer->first, event.session); });
  if (forwarded) leg.pending_offer = event.session;
  if (!forwarded) {
    logger_.info("session offer on leg " + std::to_string(leg.id) + " refused: no peer can answer it",
                 context_of(leg.call_id));
    with_driver([&] { leg.driver->answer_session(leg.id, {}, cause::interworking); });
  }
}

bool CallEngineImpl::answered_or_answering(CallRecord& call, const LegRecord& leg) {
  if (leg.state == LegState::answered) return true;
  if (!leg.answer_sent) return false;
  // The answer went out but its confirmation has not come back yet: for the caller the call
  // is answered, so it is hung up (not rejected) and its record says so.
  if (call.answered == Clock::time_point{}) {
    call.answered = loop_.now();
    call.answered_wall = std::chrono::system_clock::now();
  }
  return true;
}

void CallEngineImpl::flow_finished(const std::string& call_id, int clearing_cause) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  CallRecord& call = it->second;
  call.flow_running = false;
  answer_waiters_.erase(call_id);
  if (!call.caller_gone) {
    auto leg = legs_.find(call.a_leg);
    if (leg != legs_.end()) {
      const bool answered = answered_or_answering(call, leg->second);
      int cause = clearing_cause ? clearing_cause : (answered ? cause::normal_clearing : cause::call_rejected);
      if (call.cause == 0) call.cause = cause;
      auto driver = leg->second.driver;
      erase_leg(call.a_leg);
      with_driver([&] { answered ? driver->hangup(call.a_leg, cause) : driver->reject(call.a_leg, cause); });
    }
    call.caller_gone = true;
  }
  for (LegId b : std::vector<LegId>(call.b_legs)) hangup_leg(b, cause::normal_clearing);
  end_call_if_done(call_id);
}

void CallEngineImpl::answer_caller(const std::string& call_id, const std::shared_ptr<Completion>& done) {
  auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second.caller_gone) return done->reject("hangup");
  auto leg = legs_.find(it->second.a_leg);
  if (leg == legs_.end()) return done->reject("hangup");
  if (leg->second.state == LegState::answered) return done->resolve({true});
  answer_waiters_[call_id] = done;
  done->on_cancel([this, call_id] { answer_waiters_.erase(call_id); });
  // No session of our own yet: the driver answers without media until a media plugin anchors it.
  leg->second.answer_sent = true;
  with_driver([&] { leg->second.driver->answer(leg->first, {}); });
}

void CallEngineImpl::alert_caller(const std::string& call_id, const SessionDescription& early_media) {
  auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second.caller_gone) return;
  auto leg = legs_.find(it->second.a_leg);
  if (leg == legs_.end() || leg->second.state == LegState::answered) return;
  with_driver([&] { leg->second.driver->alert(leg->first, early_media); });
}

void CallEngineImpl::hangup_call(const std::string& call_id, int clearing_cause) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  CallRecord& call = it->second;
  if (!call.caller_gone) {
    auto leg = legs_.find(call.a_leg);
    if (leg != legs_.end()) {
      const bool answered = answered_or_answering(call, leg->second);
      auto driver = leg->second.driver;
      erase_leg(call.a_leg);
      with_driver(
          [&] { answered ? driver->hangup(call.a_leg, clearing_cause) : driver->reject(call.a_leg, clearing_cause); });
    }
    call.caller_gone = true;
    if (call.cause == 0) call.cause = clearing_cause;
  }
  for (LegId b : std::vector<LegId>(call.b_legs)) hangup_leg(b, clearing_cause);
}

void CallEngineImpl::redirect_caller(const std::string& call_id, const std::string& destination) {
  auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second.caller_gone) return;
  CallRecord& call = it->second;
  auto leg = legs_.find(call.a_leg);
  if (leg == legs_.end() || leg->second.state == LegState::answered) return;
  auto driver = leg->second.driver;
  erase_leg(call.a_leg);
  call.caller_gone = true;
  if (call.cause == 0) call.cause = cause::call_rejected;
  logger_.info("redirected to " + destination, context_of(call_id));
  with_driver([&] { driver->redirect(call.a_leg, destination); });
  for (LegId b : std::vector<LegId>(call.b_legs)) hangup_leg(b, cause::normal_clearing);
}

RouteDecision CallEngineImpl::route(const std::string& call_id, const std::string& number) {
  if (number.find('/') != std::string::npos) return RouteDecision{{number}, RouteDecision::Mode::sequential};
  RouteRequest request;
  request.number = number;
  request.call_id = call_id;
  request.trunks = registry_.trunk_status();
  if (const CallRecord* call = find_call(call_id)) request.caller = call->caller;
  for (const auto& name : routing_order_) {
    auto strategy = registry_.strategy(name);
    if (!strategy) continue;
    RouteDecision decision = strategy->route(request);
    if (!decision.targets.empty() || decision.refusal_cause != 0) return decision;
  }
  return {};
}

LegId CallEngineImpl::originate(const std::string& call_id, const std::string& target,
                                std::function<void(LegId, const LegEvent&)> observer, std::chrono::milliseconds timeout,
                                std::string& error, const std::string& dialled) {
  auto call = calls_.find(call_id);
  if (call == calls_.end()) {
    error = "no such call";
    return 0;
  }
  const auto slash = target.find('/');
  const std::string driver_name = target.substr(0, slash);
  auto driver = registry_.driver(driver_name);
  if (!driver || slash == std::string::npos) {
    error = "no channel driver '" + driver_name + "' for target '" + target + "'";
    return 0;
  }
  const LegId leg_id = next_leg_++;
  LegRecord leg;
  leg.id = leg_id;
  leg.call_id = call_id;
  leg.driver = driver;
  leg.target = target;
  leg.observer = std::move(observer);
  legs_.emplace(leg_id, std::move(leg));
  call->second.b_legs.push_back(leg_id);

  OriginateRequest request;
  request.destination = target.substr(slash + 1);
  request.caller = call->second.caller;
  request.callee.number = dialled.empty() ? request.destination : dialled;
  request.headers = call->second.headers;
  request.timeout = timeout;
  if (auto a = legs_.find(call->second.a_leg); a != legs_.end()) request.offer = a->second.remote_session;
  logger_.debug("originate " + target + " as leg " + std::to_string(leg_id), context_of(call_id));
  with_driver([&] { driver->originate(leg_id, request); });
  return leg_id;
}

void CallEngineImpl::hangup_leg(LegId leg_id, int clearing_cause) {
  auto it = legs_.find(leg_id);
  if (it == legs_.end()) return;
  auto driver = it->second.driver;
  std::string call_id = it->second.call_id;
  erase_leg(leg_id);
  with_driver([&] { driver->hangup(leg_id, clearing_cause); });
  end_call_if_done(call_id);
}

void CallEngineImpl::bridge(const std::string& call_id, LegId b_leg) {
  auto call = calls_.find(call_id);
  if (call == calls_.end()) return;
  auto a = legs_.find(call->second.a_leg);
  auto b = legs_.find(b_leg);
  if (a == legs_.end() || b == legs_.end()) return;
  a->second.peer = b_leg;
  b->second.peer = a->first;
  call->second.connected_to = b->second.target;
  with_driver([&] {
    if (a->second.state != LegState::answered) {
      a->second.answer_sent = true;
      a->second.driver->answer(a->first, b->second.remote_session);
    }
    a->second.driver->bridged(a->first, b_leg);
    b->second.driver->bridged(b_leg, a->first);
  });
  logger_.info("bridged with " + b->second.target, context_of(call_id));
  if (MediaAnchor* anchor = registry_.media_anchor()) anchor->bridged(call_id, a->first, b_leg);
}

void CallEngineImpl::erase_leg(LegId leg_id) {
  auto it = legs_.find(leg_id);
  if (it == legs_.end()) return;
  if (auto peer = legs_.find(it->second.peer); it->second.peer && peer != legs_.end()) {
    LegRecord& survivor = peer->second;
    survivor.peer = 0;
    // An offer the leaving leg was to answer will never be answered by it: refuse it now
    // (unless the media anchor took it: the anchor answers it).
    if (!survivor.pending_offer.empty() && !survivor.offer_taken) {
      survivor.pending_offer = {};
      with_driver([&] { survivor.driver->answer_session(survivor.id, {}, cause::temporary_failure); });
    }
  }
  if (!it->second.inbound) {
    auto call = calls_.find(it->second.call_id);
    if (call != calls_.end()) std::erase(call->second.b_legs, leg_id);
  }
  legs_.erase(it);
}

void CallEngineImpl::end_call_if_done(const std::string& call_id) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  CallRecord& call = it->second;
  if (call.flow_running || !call.b_legs.empty() || legs_.count(call.a_leg)) return;
  const auto now = loop_.now();
  const bool answered = call.answered != Clock::time_point{};
  // The call detail record: one line per call, with everything billing and support ask for.
  logger_.info("cdr caller=" + call.caller.number + " callee=" + call.callee.number + " answered=" +
                   (answered ? "yes" : "no") + " duration_ms=" + std::to_string(millis_between(call.started, now)) +
                   " talk_ms=" + std::to_string(answered ? millis_between(call.answered, now) : 0) +
                   " cause=" + std::to_string(call.cause) + "/" + std::string(cause::name(call.cause)),
               context_of(call_id));
  if (cdr_sink_) {
    CallDetailRecord record;
    record.call_id = call.id;
    record.driver = call.driver;
    record.caller = call.caller.number;
    record.caller_name = call.caller.display_name;
    record.callee = call.callee.number;
    record.connected_to = call.connected_to;
    record.started = call.started_wall;
    if (answered) record.answered = call.answered_wall;
    record.ended = std::chrono::system_clock::now();
    record.cause = call.cause;
    cdr_sink_(record);
  }
  // Taken before the record goes: `call_id` may refer into it.
  std::vector<std::function<void()>> watchers;
  auto [first, last] = end_watchers_.equal_range(call_id);
  for (auto w = first; w != last; ++w) watchers.push_back(std::move(w->second));
  end_watchers_.erase(call_id);
  calls_.erase(it);
  calls_active_.set(static_cast<double>(calls_.size()));
  for (auto& ended : watchers) ended();
}

SessionDescription CallEngineImpl::remote_session(LegId leg) const {
  auto it = legs_.find(leg);
  return it == legs_.end() ? SessionDescription{} : it->second.remote_session;
}

bool CallEngineImpl::answer_leg(LegId leg, const SessionDescription& session) {
  auto it = legs_.find(leg);
  if (it == legs_.end() || !it->second.inbound || it->second.state == LegState::answered || it->second.answer_sent)
    return false;
  it->second.answer_sent = true;
  with_driver([&] { it->second.driver->answer(leg, session); });
  return true;
}

void CallEngineImpl::when_call_ends(const std::string& call_id, std::function<void()> ended) {
  if (!calls_.count(call_id)) return ended();
  end_watchers_.emplace(call_id, std::move(ended));
}

LegId CallEngineImpl::peer_of(LegId leg) const {
  auto it = legs_.find(leg);
  return it == legs_.end() ? 0 : it->second.peer;
}

bool CallEngineImpl::offer_session(LegId leg, const SessionDescription& offer,
                                   std::function<void(const SessionDescription&, int)> done) {
  auto it = legs_.find(leg);
  if (it == legs_.end() || it->second.offer_done) return false;
  if (it->second.state != LegState::answered) {
    if (!it->second.inbound || !it->second.answer_sent || it->second.state == LegState::ended) return false;
    // Our answer is on its way to the caller: the offer follows once it is confirmed.
    it->second.offer_after_answer = offer;
    it->second.offer_done = std::move(done);
    return true;
  }
  bool sent = false;
  with_driver([&] { sent = it->second.driver->update_session(leg, offer); });
  if (sent) it->second.offer_done = std::move(done);
  return sent;
}

void CallEngineImpl::send_queued_offer(LegRecord& leg) {
  const SessionDescription offer = std::exchange(leg.offer_after_answer, {});
  bool sent = false;
  with_driver([&] { sent = leg.driver->update_session(leg.id, offer); });
  if (!sent && leg.offer_done)
    loop_.post([done = std::exchange(leg.offer_done, nullptr)] { done({}, cause::temporary_failure); });
}

void CallEngineImpl::answer_offer(LegId leg, const SessionDescription& answer, int cause) {
  auto it = legs_.find(leg);
  if (it == legs_.end() || !it->second.offer_taken) return;
  LegRecord& record = it->second;
  record.offer_taken = false;
  if (!answer.empty()) record.remote_session = std::move(record.pending_offer);
  record.pending_offer = {};
  with_driver([&] { record.driver->answer_session(leg, answer, answer.empty() ? cause : 0); });
}

const CallRecord* CallEngineImpl::find_call(const std::string& call_id) const {
  auto it = calls_.find(call_id);
  return it == calls_.end() ? nullptr : &it->second;
}

const LegRecord* CallEngineImpl::find_leg(LegId leg) const {
  auto it = legs_.find(leg);
  return it == legs_.end() ? nullptr : &it->second;
}

}  // namespace junction
