#include "core/calls/loopback_driver.hpp"

#include <charconv>

#include "junction/cause.hpp"

namespace junction {

namespace {
// "answer:250" -> {"answer", 250}; "busy" -> {"busy", -1}; a bad number counts as missing.
std::pair<std::string, long> split_destination(const std::string& destination) {
  const auto colon = destination.find(':');
  if (colon == std::string::npos) return {destination, -1};
  long value = -1;
  const char* first = destination.data() + colon + 1;
  const char* last = destination.data() + destination.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end != last || value < 0) value = -1;
  return {destination.substr(0, colon), value};
}
}  // namespace

void LoopbackDriver::post_event(LegId leg, LegEvent event) {
  loop_.post([this, leg, event = std::move(event)] {
    auto it = legs_.find(leg);
    if (it == legs_.end() || it->second.ended) return;
    if (event.type == LegEventType::answered) it->second.answered = true;
    if (event.type == LegEventType::hung_up) it->second.ended = true;
    engine_.leg_event(leg, event);
  });
}

void LoopbackDriver::originate(LegId leg, const OriginateRequest& request) {
  LoopbackLeg& state = legs_[leg];
  state.destination = request.destination;
  auto [behaviour, value] = split_destination(request.destination);
  if (behaviour == "answer") {
    post_event(leg, LegEvent::ringing());
    if (value <= 0) {
      post_event(leg, LegEvent::answered());
    } else {
      loop_.call_after(std::chrono::milliseconds(value), [this, leg] { post_event(leg, LegEvent::answered()); });
    }
  } else if (behaviour == "busy") {
    post_event(leg, LegEvent::hung_up(cause::user_busy));
  } else if (behaviour == "ring") {
    post_event(leg, LegEvent::ringing());
  } else if (behaviour == "reject" && value > 0) {
    post_event(leg, LegEvent::hung_up(static_cast<int>(value)));
  } else if (behaviour == "hangup" && value >= 0) {
    post_event(leg, LegEvent::ringing());
    post_event(leg, LegEvent::answered());
    loop_.call_after(std::chrono::milliseconds(value),
                     [this, leg] { post_event(leg, LegEvent::hung_up(cause::normal_clearing)); });
  } else {
    post_event(leg, LegEvent::hung_up(cause::unallocated_number, "unknown loopback destination"));
  }
}

void LoopbackDriver::answer(LegId leg, const SessionDescription&) {
  auto it = legs_.find(leg);
  if (it == legs_.end() || it->second.ended) return;
  post_event(leg, LegEvent::answered());
}

void LoopbackDriver::reject(LegId leg, int cause) {
  auto it = legs_.find(leg);
  if (it == legs_.end()) return;
  it->second.rejected = true;
  it->second.ended = true;
  it->second.end_cause = cause;
}

void LoopbackDriver::hangup(LegId leg, int cause) {
  auto it = legs_.find(leg);
  if (it == legs_.end()) return;
  it->second.ended = true;
  it->second.end_cause = cause;
}

void LoopbackDriver::bridged(LegId leg, LegId peer) {
  if (auto it = legs_.find(leg); it != legs_.end()) it->second.bridged_to = peer;
}

LegId LoopbackDriver::place_call(const std::string& caller, const std::string& callee, Headers headers) {
  IncomingCall call;
  call.caller.number = caller;
  call.callee.number = callee;
  call.headers = std::move(headers);
  const LegId leg = engine_.incoming(*this, std::move(call));
  LoopbackLeg& state = legs_[leg];
  state.inbound = true;
  state.destination = callee;
  return leg;
}

void LoopbackDriver::far_end_hangup(LegId leg, int cause) {
  auto it = legs_.find(leg);
  if (it == legs_.end() || it->second.ended) return;
  it->second.ended = true;
  engine_.leg_event(leg, LegEvent::hung_up(cause));
}

const LoopbackLeg* LoopbackDriver::leg(LegId id) const {
  auto it = legs_.find(id);
  return it == legs_.end() ? nullptr : &it->second;
}

std::size_t LoopbackDriver::live_legs() const {
  std::size_t live = 0;
  for (const auto& [id, state] : legs_) live += state.ended ? 0 : 1;
  return live;
}

}  // namespace junction
