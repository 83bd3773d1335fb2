#include "core/calls/dial_operation.hpp"

#include <algorithm>

#include "core/calls/call_engine.hpp"
#include "junction/cause.hpp"

namespace junction {

namespace {

// The reason a failed dial gives the script: the cause's name, one the script can pass on to
// reject() (causes without a name become normal_unspecified).
std::string reason_for(int c, CallEngineImpl& engine, const std::string& call_id) {
  if (cause::name(c) != "unknown") return std::string(cause::name(c));
  engine.logger().info("dial failed with cause " + std::to_string(c), "call=" + call_id);
  return std::string(cause::name(cause::normal_unspecified));
}

// When several targets fail, the most telling cause wins: a busy callee says more than a
// missing answer, which says more than a technical failure.
int rank(int c) {
  switch (c) {
    case cause::user_busy:
      return 4;
    case cause::no_answer:
    case cause::no_user_response:
      return 3;
    case cause::call_rejected:
      return 2;
    case 0:
      return 0;
    default:
      return 1;
  }
}

// A target to ring and the number it was routed from (what the callee is told was dialled).
struct DialTarget {
  std::string target;
  std::string number;
};

class DialOperation : public std::enable_shared_from_this<DialOperation> {
 public:
  DialOperation(CallEngineImpl& engine, std::string call_id, std::vector<DialTarget> targets, RouteDecision::Mode mode,
                std::chrono::milliseconds ring_timeout, std::shared_ptr<Completion> done)
      : engine_(engine),
        call_id_(std::move(call_id)),
        targets_(std::move(targets)),
        mode_(mode),
        ring_timeout_(ring_timeout),
        done_(std::move(done)) {}

  void start() {
    std::weak_ptr<DialOperation> weak = shared_from_this();
    done_->on_cancel([weak] {
      if (auto self = weak.lock()) self->cancel();
    });
    if (mode_ == RouteDecision::Mode::parallel) {
      for (std::size_t i = 0; i < targets_.size(); ++i) originate(i);
      if (attempts_.empty()) fail();
    } else {
      next_target();
    }
  }

 private:
  struct Attempt {
    LegId leg = 0;
    TimerId timer = 0;
  };

  // Sequential mode: ring the next target that can be originated, or fail when none is left.
  void next_target() {
    while (next_ < targets_.size()) {
      if (originate(next_++)) return;
    }
    fail();
  }

  bool originate(std::size_t index) {
    std::string error;
    auto self = shared_from_this();
    const std::string& target = targets_[index].target;
    const LegId leg = engine_.originate(
        call_id_, target, [self](LegId leg, const LegEvent& event) { self->on_event(leg, event); }, ring_timeout_,
        error, targets_[index].number);
    if (leg == 0) {
      engine_.logger().warn("dial " + target + ": " + error, "call=" + call_id_);
      note_failure(cause::no_route);
      return false;
    }
    if (!engine_.find_leg(leg)) return false;  // the driver failed it at once; on_event noted why
    const TimerId timer = engine_.loop().call_after(ring_timeout_, [self, leg] { self->ring_timeout(leg); });
    attempts_.push_back({leg, timer});
    return true;
  }

  void on_event(LegId leg, const LegEvent& event) {
    if (finished_ && leg != bridged_) return;
    switch (event.type) {
      case LegEventType::ringing:
      case LegEventType::progress:
        if (bridged_ == 0) engine_.alert_caller(call_id_, event.session);
        break;
      case LegEventType::answered:
        if (bridged_ == 0) answered(leg);
        break;
      case LegEventType::hung_up:
        if (leg == bridged_) {
          // The bridged call is over: the far end hung up.
          bridged_ = 0;
          finish_ok();
        } else {
          forget(leg);
          note_failure(event.cause ? event.cause : cause::normal_unspecified);
          after_failure();
        }
        break;
      default:
        break;
    }
  }

  void answered(LegId leg) {
    forget(leg);
    bridged_ = leg;
    // Everyone else who was ringing lost the race.
    for (const Attempt& other : std::vector<Attempt>(attempts_)) {
      forget(other.leg);
      engine_.hangup_leg(other.leg, cause::normal_clearing);
    }
    engine_.bridge(call_id_, leg);
  }

  void ring_timeout(LegId leg) {
    auto it = std::find_if(attempts_.begin(), attempts_.end(), [&](const Attempt& a) { return a.leg == leg; });
    if (it == attempts_.end()) return;
    attempts_.erase(it);
    engine_.hangup_leg(leg, cause::no_answer);
    note_failure(cause::no_answer);
    after_failure();
  }

  void after_failure() {
    if (finished_ || bridged_ != 0 || !attempts_.empty()) return;
    if (mode_ == RouteDecision::Mode::sequential) {
      next_target();
    } else {
      fail();
    }
  }

  // Stops tracking a leg as ringing (its timer too).
  void forget(LegId leg) {
    auto it = std::find_if(attempts_.begin(), attempts_.end(), [&](const Attempt& a) { return a.leg == leg; });
    if (it == attempts_.end()) return;
    engine_.loop().cancel(it->timer);
    attempts_.erase(it);
  }

  // The caller hung up or the flow stopped: clear every leg this dial created.
  void cancel() {
    finished_ = true;
    for (const Attempt& attempt : std::vector<Attempt>(attempts_)) {
      forget(attempt.leg);
      engine_.hangup_leg(attempt.leg, cause::originator_cancel);
    }
    if (bridged_) engine_.hangup_leg(std::exchange(bridged_, 0), cause::normal_clearing);
  }

  void note_failure(int c) {
    if (rank(c) >= rank(best_failure_)) best_failure_ = c;
  }

  void fail() {
    if (finished_) return;
    finished_ = true;
    done_->reject(reason_for(best_failure_ ? best_failure_ : cause::no_route, engine_, call_id_));
  }

  void finish_ok() {
    if (finished_) return;
    finished_ = true;
    done_->resolve({true});
  }

  CallEngineImpl& engine_;
  std::string call_id_;
  std::vector<DialTarget> targets_;
  RouteDecision::Mode mode_;
  std::chrono::milliseconds ring_timeout_;
  std::shared_ptr<Completion> done_;
  std::vector<Attempt> attempts_;  // legs ringing now
  std::size_t next_ = 0;
  LegId bridged_ = 0;
  int best_failure_ = 0;
  bool finished_ = false;
};

}  // namespace

void start_dial(CallEngineImpl& engine, const std::string& call_id, DialRequest request,
                const std::shared_ptr<Completion>& done) {
  std::vector<DialTarget> targets;
  RouteDecision::Mode mode = request.mode.value_or(RouteDecision::Mode::sequential);
  int refusal = 0;
  for (const auto& number : request.targets) {
    RouteDecision decision;
    try {
      decision = engine.route(call_id, number);
    } catch (const std::exception& e) {
      engine.logger().error("routing '" + number + "' failed: " + e.what(), "call=" + call_id);
      return done->reject("routing_error");
    }
    if (!request.mode && decision.targets.size() > 1) mode = decision.mode;
    // An explicit "driver/destination" was dialled as such: the destination is the callee.
    const bool explicit_target = number.find('/') != std::string::npos;
    for (auto& target : decision.targets) targets.push_back({std::move(target), explicit_target ? "" : number});
    if (refusal == 0) refusal = decision.refusal_cause;
  }
  if (targets.empty()) return done->reject(reason_for(refusal ? refusal : cause::no_route, engine, call_id));
  auto operation =
      std::make_shared<DialOperation>(engine, call_id, std::move(targets), mode, request.ring_timeout, done);
  operation->start();
}

}  // namespace junction
