// The media plugin as the engine's media anchor (MediaAnchor in junction/call.hpp).
//  - Music on hold: when a bridged phone holds its peer (a re-offer that is sendonly or
//    inactive), we answer the hold ourselves and move the peer onto the server with an offer
//    of our own, and it hears the hold music. When the phone resumes, its new offer goes to
//    the peer and the peer's answer comes back: the phones send to each other again.
//  - record_call(): once the call is bridged, both legs are moved onto the server, which relays
//    between them (converting between µ-law and A-law when they differ) and records both sides.
//  - A caller whose media a verb holds and who is then bridged gets the callee's session, so
//    media flows end to end again.
//  - Keys from SIP INFO go where keys from RTP go.
// A session we pass from one leg to the other keeps the origin that leg knows us by
// (Endpoint::pass_on).
#include "audio_file.hpp"
#include "media_state.hpp"

namespace junction::media {
namespace {

using Weak = std::weak_ptr<MediaState>;

std::string context(const std::string& call_id) { return "call=" + call_id; }
SessionDescription sdp(std::string body) { return {"application/sdp", std::move(body)}; }

const MusicClass* hold_music(const MediaState& state) {
  if (state.settings.hold_music.empty()) return nullptr;
  auto it = state.music.find(state.settings.hold_music);
  return it == state.music.end() ? nullptr : it->second.get();
}

void play_hold_music(MediaState& state, Endpoint& held) {
  if (const MusicClass* music = hold_music(state)) pace_music(state, held, *music);
}

// Both legs' audio goes to the other leg (and into the recording, if any). Media thread.
void connect_relay(MediaState& state, const std::string& call_id, AnchoredCall& call) {
  asio::io_context& io = state.media_for(call_id).io;
  auto link = [&call, &io](Endpoint& from, Endpoint& to, int side) {
    const bool same = from.format.encoding == to.format.encoding;
    // RFC 4733 events pass when both legs have them at one clock rate.
    const bool events = from.formats.size() > 1 && to.formats.size() > 1 && from.formats[1].rate == to.formats[1].rate;
    return [tap = from.tap, channel = to.channel, from_encoding = from.format.encoding,
            to_encoding = same ? std::string() : to.format.encoding, recording = call.recording, side,
            audio_type = to.format.payload_type, event_type = events ? int{to.formats[1].payload_type} : -1, &io] {
      tap->relay_to = channel;
      tap->relay_audio_type = audio_type;
      tap->relay_event_type = event_type;
      tap->decoder = make_codec(from_encoding);
      tap->stereo = recording;
      tap->side = side;
      tap->transcoder.reset();
      if (to_encoding.empty()) return;
      tap->transcoder = std::make_shared<Transcoder>(make_codec(from_encoding), make_codec(to_encoding));
      run_transcoder(io, tap, tap->transcoder, std::chrono::steady_clock::now() + kFrame);
    };
  };
  asio::post(io, link(call.a, call.b, 0));
  asio::post(io, link(call.b, call.a, 1));
}

// Ends the anchoring: both channels close; a recording is written on a worker.
void release(const std::shared_ptr<MediaState>& state, const std::string& call_id) {
  auto it = state->anchored.find(call_id);
  if (it == state->anchored.end()) return;
  AnchoredCall call = std::move(it->second);
  state->anchored.erase(it);
  CallEngine& engine = state->host.calls();
  // An offer that waited for ours is answered: the call no longer needs us for it.
  if (call.waiting_leg) engine.answer_offer(call.waiting_leg, {}, cause::temporary_failure);
  close_endpoint(*state, call.a);
  close_endpoint(*state, call.b);
  if (!call.recording) return;
  // After the channels' close on the media thread nothing feeds the recording any more.
  Weak weak = state;
  asio::post(state->media_for(call_id).io, [weak, recording = call.recording, path = call.record_path, call_id] {
    auto state = weak.lock();
    if (!state) return;
    auto samples = std::make_shared<std::vector<std::int16_t>>(recording->interleaved());
    const auto seconds = std::to_string(recording->length().count() / 1000.0);
    state->host.executor().post([weak, samples, path, call_id, seconds] {
      auto state = weak.lock();
      if (!state) return;
      auto problem = std::make_shared<std::string>();
      state->host.workers().run(
          [samples, path, problem] {
            try {
              save_wav(path, *samples, kRate, 2);
            } catch (const std::exception& e) {
              *problem = e.what();
            }
          },
          state->host.executor(),
          [weak, problem, path, call_id, seconds] {
            auto state = weak.lock();
            if (!state) return;
            if (problem->empty()) {
              state->host.logger().info("call recorded to " + path + " (" + seconds + " s)", context(call_id));
            } else {
              state->host.logger().error("call recording lost: " + *problem, context(call_id));
            }
          });
    });
  });
}

AnchoredCall* anchored(MediaState& state, const std::string& call_id) {
  auto it = state.anchored.find(call_id);
  return it == state.anchored.end() ? nullptr : &it->second;
}

void handle_offer(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId leg,
                  const SessionDescription& offer);

// An offer that came while ours was open is handled once ours is answered.
void settle_waiting(const std::shared_ptr<MediaState>& state, const std::string& call_id) {
  AnchoredCall* call = anchored(*state, call_id);
  if (!call || call->offers_open > 0 || !call->waiting_leg) return;
  const LegId leg = std::exchange(call->waiting_leg, 0);
  handle_offer(state, call_id, leg, std::exchange(call->waiting_offer, {}));
}

// Sends `endpoint`'s leg our own offer, so that its media comes to the server.
void move_onto_server(const std::shared_ptr<MediaState>& state, const std::string& call_id, AnchoredCall& call,
                      Endpoint& endpoint, const std::string& direction) {
  Weak weak = state;
  const LegId leg = endpoint.leg;
  const bool sent = state->host.calls().offer_session(
      leg, sdp(endpoint.next_sdp(direction)), [weak, call_id, leg](const SessionDescription& answer, int cause) {
        auto state = weak.lock();
        if (!state) return;
        AnchoredCall* call = anchored(*state, call_id);
        if (!call) return;
        --call->offers_open;
        Endpoint& endpoint = call->of(leg);
        std::string error;
        if (answer.empty()) {
          state->host.logger().warn("leg " + std::to_string(leg) + " refused our offer (" +
                                        std::string(cause::name(cause)) + "); its media stays where it was",
                                    context(call_id));
        } else if (!follow_remote(endpoint, answer.body, error)) {
          state->host.logger().warn("leg " + std::to_string(leg) + " answered with " + error, context(call_id));
        } else if (call->mode == AnchoredCall::Mode::music && leg == call->b.leg) {
          play_hold_music(*state, endpoint);
        }
        settle_waiting(state, call_id);
      });
  if (sent) {
    ++call.offers_open;
  } else {
    state->host.logger().warn("leg " + std::to_string(leg) + " cannot take an offer now; its media stays where it was",
                              context(call_id));
  }
}

void watch_call_end(const std::shared_ptr<MediaState>& state, const std::string& call_id) {
  Weak weak = state;
  state->host.calls().when_call_ends(call_id, [weak, call_id] {
    if (auto state = weak.lock()) release(state, call_id);
  });
}

// The holder resumes: its offer goes to the held leg, whose answer comes back to it, and the
// server steps out.
void resume(const std::shared_ptr<MediaState>& state, const std::string& call_id, AnchoredCall& call,
            const SessionDescription& offer) {
  CallEngine& engine = state->host.calls();
  call.b.channel->stop_pacing();
  Weak weak = state;
  const LegId holder = call.a.leg;
  const bool sent = engine.offer_session(call.b.leg, sdp(call.b.pass_on(offer.body)),
                                         [weak, call_id, holder](const SessionDescription& answer, int cause) {
                                           auto state = weak.lock();
                                           if (!state) return;
                                           AnchoredCall* call = anchored(*state, call_id);
                                           if (!call) return;
                                           --call->offers_open;
                                           CallEngine& engine = state->host.calls();
                                           if (answer.empty()) {
                                             engine.answer_offer(holder, {}, cause ? cause : cause::temporary_failure);
                                             play_hold_music(*state, call->b);
                                             return settle_waiting(state, call_id);
                                           }
                                           engine.answer_offer(holder, sdp(call->a.pass_on(answer.body)));
                                           state->host.logger().info(
                                               "resumed: the phones send media to each other again", context(call_id));
                                           release(state, call_id);
                                         });
  if (sent) {
    ++call.offers_open;
    return;
  }
  engine.answer_offer(holder, {}, cause::temporary_failure);
  play_hold_music(*state, call.b);
}

// A re-offer from a leg of an anchored call.
void handle_offer(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId leg,
                  const SessionDescription& offer) {
  AnchoredCall* call = anchored(*state, call_id);
  CallEngine& engine = state->host.calls();
  if (!call) return engine.answer_offer(leg, {}, cause::temporary_failure);
  if (call->offers_open > 0) {
    if (call->waiting_leg) return engine.answer_offer(leg, {}, cause::temporary_failure);
    call->waiting_leg = leg;
    call->waiting_offer = offer;
    return;
  }
  std::string error;
  const auto parsed = parse_audio_offer(offer.body, error);
  if (!parsed) {
    state->host.logger().warn("re-offer refused: " + error, context(call_id));
    return engine.answer_offer(leg, {}, cause::bearer_capability_not_available);
  }
  if (call->mode == AnchoredCall::Mode::music && leg == call->a.leg && !is_hold(*parsed))
    return resume(state, call_id, *call, offer);
  // Anything else: we stay this leg's media endpoint and follow where it now is.
  Endpoint& endpoint = call->of(leg);
  auto formats = offer_formats(*parsed, state->settings.codecs);
  if (formats.empty() || formats.front().encoding != endpoint.format.encoding) {
    state->host.logger().warn("re-offer refused: it drops our codec " + endpoint.format.encoding, context(call_id));
    return engine.answer_offer(leg, {}, cause::bearer_capability_not_available);
  }
  endpoint.formats = std::move(formats);
  endpoint.format = endpoint.formats.front();
  follow_remote(endpoint, offer.body, error);
  engine.answer_offer(leg, sdp(endpoint.next_sdp(answer_direction(parsed->direction))));
  if (call->mode == AnchoredCall::Mode::music && leg == call->b.leg) {
    // The held party may hold as well: it hears music only while it wants to receive.
    if (is_hold(*parsed)) {
      endpoint.channel->stop_pacing();
    } else {
      play_hold_music(*state, endpoint);
    }
  }
}

// A bridged phone holds its peer: the peer comes onto the server and hears music.
bool start_music(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId holder, LegId held,
                 const SessionDescription& offer, const AudioOffer& parsed) {
  CallEngine& engine = state->host.calls();
  std::string error;
  auto a = open_endpoint(state, call_id, holder, offer, false, error);
  auto b = a ? open_endpoint(state, call_id, held, engine.remote_session(held), false, error) : std::nullopt;
  if (!b) {
    if (a) close_endpoint(*state, *a);
    state->host.logger().warn("hold passed on without music: " + error, context(call_id));
    return false;
  }
  AnchoredCall& call = state->anchored[call_id];
  call.mode = AnchoredCall::Mode::music;
  call.a = std::move(*a);
  call.b = std::move(*b);
  watch_call_end(state, call_id);
  engine.answer_offer(holder, sdp(call.a.next_sdp(answer_direction(parsed.direction))));
  move_onto_server(state, call_id, call, call.b, "sendonly");
  state->host.logger().info("leg " + std::to_string(holder) + " holds: music for leg " + std::to_string(held),
                            context(call_id));
  return true;
}

// record_call(): both legs onto the server, relayed and recorded.
void start_relay(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId caller, LegId callee,
                 CallRecordingRequest request) {
  CallEngine& engine = state->host.calls();
  std::string error;
  std::optional<Endpoint> a;
  bool caller_is_ours = false;
  if (auto media = state->calls.find(call_id); media != state->calls.end() && media->second.leg == caller) {
    // A verb answered the caller with our media: that channel becomes the caller's side.
    a = static_cast<Endpoint&&>(std::move(media->second));
    a->channel->stop_pacing();
    state->calls.erase(media);
    caller_is_ours = true;
  } else {
    a = open_endpoint(state, call_id, caller, engine.remote_session(caller), false, error);
  }
  auto b = a ? open_endpoint(state, call_id, callee, engine.remote_session(callee), false, error) : std::nullopt;
  if (!b) {
    if (a) close_endpoint(*state, *a);
    state->host.logger().error("call not recorded: " + error, context(call_id));
    return;
  }
  AnchoredCall& call = state->anchored[call_id];
  call.mode = AnchoredCall::Mode::relay;
  call.a = std::move(*a);
  call.b = std::move(*b);
  call.record_path = request.path.string();
  call.recording = std::make_shared<StereoRecording>(std::chrono::steady_clock::now(), request.max_length);
  connect_relay(*state, call_id, call);
  watch_call_end(state, call_id);
  if (!caller_is_ours) move_onto_server(state, call_id, call, call.a, "sendrecv");
  move_onto_server(state, call_id, call, call.b, "sendrecv");
  state->host.logger().info("recording the call to " + call.record_path, context(call_id));
}

// The caller's media is ours (a verb answered it) but the callee got the caller's own offer:
// the caller gets the callee's session and our channel goes.
void hand_over(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId caller, LegId callee) {
  auto media = state->calls.find(call_id);
  if (media == state->calls.end() || media->second.leg != caller) return;
  CallEngine& engine = state->host.calls();
  const SessionDescription session = engine.remote_session(callee);
  if (session.empty()) return;
  media->second.channel->stop_pacing();
  Weak weak = state;
  const bool sent = engine.offer_session(
      caller, sdp(media->second.pass_on(session.body)), [weak, call_id](const SessionDescription& answer, int cause) {
        auto state = weak.lock();
        if (!state) return;
        if (answer.empty()) {
          state->host.logger().warn(
              "the caller kept its media on the server (" + std::string(cause::name(cause)) + "): one-way audio",
              context(call_id));
          return;
        }
        // The caller's media is the callee's now; later verbs cannot use our channel.
        if (auto media = state->calls.find(call_id); media != state->calls.end()) {
          close_endpoint(*state, media->second);
          state->calls.erase(media);
        }
      });
  if (!sent) state->host.logger().warn("the caller cannot take the callee's media now", context(call_id));
}

class Anchor final : public MediaAnchor {
 public:
  explicit Anchor(Weak state) : weak_(std::move(state)) {}

  bool take_offer(const std::string& call_id, LegId leg, const SessionDescription& offer) override {
    auto state = weak_.lock();
    if (!state) return false;
    if (anchored(*state, call_id)) {
      handle_offer(state, call_id, leg, offer);
      return true;
    }
    CallEngine& engine = state->host.calls();
    const LegId peer = engine.peer_of(leg);
    std::string error;
    const auto parsed = parse_audio_offer(offer.body, error);
    if (peer == 0) return parsed && own_caller_reoffers(*state, call_id, leg, offer, *parsed);
    if (!parsed || !is_hold(*parsed) || !hold_music(*state)) return false;
    return start_music(state, call_id, leg, peer, offer, *parsed);
  }

  void bridged(const std::string& call_id, LegId caller, LegId callee) override {
    auto state = weak_.lock();
    if (!state) return;
    if (auto request = state->record_when_bridged.find(call_id); request != state->record_when_bridged.end()) {
      CallRecordingRequest wanted = std::move(request->second);
      state->record_when_bridged.erase(request);
      return start_relay(state, call_id, caller, callee, std::move(wanted));
    }
    hand_over(state, call_id, caller, callee);
  }

  bool digit(const std::string& call_id, LegId leg, char key) override {
    auto state = weak_.lock();
    if (!state) return false;
    auto media = state->calls.find(call_id);
    if (media == state->calls.end() || media->second.leg != leg) return false;
    deliver_digit(*state, call_id, key);
    return true;
  }

 private:
  // A caller whose media a verb holds re-offers (a new address, hold): we follow it.
  static bool own_caller_reoffers(MediaState& state, const std::string& call_id, LegId leg,
                                  const SessionDescription& offer, const AudioOffer& parsed) {
    auto media = state.calls.find(call_id);
    if (media == state.calls.end() || media->second.leg != leg) return false;
    std::string error;
    const auto formats = offer_formats(parsed, state.settings.codecs);
    if (formats.empty() || formats.front().encoding != media->second.format.encoding) return false;
    media->second.formats = formats;
    follow_remote(media->second, offer.body, error);
    state.host.calls().answer_offer(leg, sdp(media->second.next_sdp(answer_direction(parsed.direction))));
    return true;
  }

  Weak weak_;
};

}  // namespace

std::shared_ptr<MediaAnchor> make_anchor(std::weak_ptr<MediaState> state) {
  return std::make_shared<Anchor>(std::move(state));
}

}  // namespace junction::media
