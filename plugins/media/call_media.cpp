#include <algorithm>

#include "audio_file.hpp"
#include "media_state.hpp"
#include "telephone_event.hpp"

namespace junction::media {

namespace {
// Sends to where `remote` says, accepting our codec and its telephone-event from there.
void aim(Endpoint& endpoint, const AudioOffer& remote) {
  endpoint.remote_direction = remote.direction;
  std::vector<std::uint8_t> accepted;
  for (const AudioFormat& f : endpoint.formats) accepted.push_back(f.payload_type);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(remote.address, ec);
  // 0.0.0.0 (an old-style hold) or a name: nowhere to send until the far end's packets show where.
  const bool usable = !ec && !ip.is_unspecified();
  endpoint.channel->set_remote(
      {usable ? ip : asio::ip::address_v4::loopback(), usable ? remote.port : std::uint16_t{0}},
      endpoint.format.payload_type, std::move(accepted), endpoint.format.rate);
}

// Media thread: an anchored call's audio into the call's recording and on to the other leg.
void relay_audio(MediaTap& tap, const RtpHeader& header, std::span<const std::uint8_t> payload) {
  if (!tap.decoder) return;
  if (tap.stereo)
    tap.stereo->feed(tap.side, header.timestamp, tap.decoder->decode(payload), std::chrono::steady_clock::now(),
                     tap.decoder->units_per_sample());
  if (!tap.relay_to) return;
  if (tap.transcoder) return tap.transcoder->feed(header.sequence, header.timestamp, payload);
  // One codec on both legs: the payload goes as it is, in the sender's timing.
  tap.relay_to->relay(header, payload, tap.relay_audio_type, tap.decoder->units_in(payload));
}
}  // namespace

std::optional<Endpoint> open_endpoint(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId leg,
                                      const SessionDescription& remote, bool caller, std::string& error) {
  if (remote.empty()) {
    error = "no_media: the far end offered no session";
    return std::nullopt;
  }
  const auto offer = parse_audio_offer(remote.body, error);
  if (!offer) {
    error = "no_media: " + error;
    return std::nullopt;
  }
  Endpoint endpoint;
  endpoint.formats = offer_formats(*offer, state->settings.codecs);
  if (endpoint.formats.empty()) {
    error = "no_media: no common codec";
    return std::nullopt;
  }
  try {
    MediaThread& thread = state->media_for(call_id);
    endpoint.channel = RtpChannel::open(thread.io, state->settings.address, state->settings.ports, &thread.clock);
  } catch (const std::exception& e) {
    state->host.logger().error(e.what(), "call=" + call_id);
    error = "no_media: no RTP port free";
    return std::nullopt;
  }
  endpoint.leg = leg;
  endpoint.format = endpoint.formats.front();
  endpoint.units_per_frame = make_codec(endpoint.format.encoding)->units_per_frame();
  endpoint.tap = std::make_shared<MediaTap>();
  const std::uint64_t session_id = state->ids() >> 1;
  endpoint.own = {state->settings.address, endpoint.channel->port(), session_id, session_id};
  const int event_type = endpoint.formats.size() > 1 ? endpoint.formats[1].payload_type : -1;
  // Audio goes to whatever the tap says; key presses, detected on the media thread, go to the
  // call loop for the caller's collect() or record().
  std::weak_ptr<MediaState> weak_state = state;
  auto detector = std::make_shared<DtmfDetector>();
  endpoint.channel->on_receive([weak_state, detector, tap = endpoint.tap, event_type, caller, call_id](
                                   const RtpHeader& header, std::span<const std::uint8_t> payload) {
    if (header.payload_type != event_type) {
      if (tap->recorder) tap->recorder->feed(header.sequence, header.timestamp, payload);
      relay_audio(*tap, header, payload);
      return;
    }
    if (tap->relay_to && tap->relay_event_type >= 0)  // an anchored call: the key goes on to the other leg
      tap->relay_to->relay(header, payload, static_cast<std::uint8_t>(tap->relay_event_type), 0);
    const auto key = detector->on_packet(header.timestamp, payload);
    auto state = weak_state.lock();
    if (!key || !state || !caller) return;
    state->host.executor().post([weak_state, call_id, key = *key] {
      if (auto state = weak_state.lock()) deliver_digit(*state, call_id, key);
    });
  });
  endpoint.channel->keep_alive(state);  // its io_context, for closures holding the channel past stop()
  endpoint.channel->set_rtcp_interval(state->settings.rtcp_interval);
  aim(endpoint, *offer);
  endpoint.channel->start();
  state->channels.add(1);
  return endpoint;
}

void run_transcoder(asio::io_context& io, const std::shared_ptr<MediaTap>& tap, std::shared_ptr<Transcoder> transcoder,
                    std::chrono::steady_clock::time_point at) {
  auto timer = std::make_shared<asio::steady_timer>(io, at);
  timer->async_wait(
      [&io, weak = std::weak_ptr<MediaTap>(tap), transcoder, timer, at](const boost::system::error_code& ec) {
        auto tap = weak.lock();
        if (ec || !tap || tap->transcoder != transcoder || !tap->relay_to) return;  // the relay ended
        for (const auto& frame : transcoder->tick()) tap->relay_to->send_now(frame, transcoder->units_per_frame());
        run_transcoder(io, tap, transcoder, at + transcoder->turn());
      });
}

void close_endpoint(MediaState& state, Endpoint& endpoint) {
  if (!endpoint.channel) return;
  const auto& stats = endpoint.channel->stats();
  state.dropped.add(stats.malformed + stats.wrong_payload + stats.wrong_ssrc + stats.rtcp_dropped);
  state.rtcp_sent.add(stats.rtcp_sent);
  // What the call's operator asks about afterwards: how the media was, both ways.
  state.host.logger().info(
      "media leg " + std::to_string(endpoint.leg) + " " + endpoint.format.encoding + ": sent " +
      std::to_string(stats.sent) + ", received " + std::to_string(stats.received) + ", lost " +
      std::to_string(stats.lost) + ", jitter " + std::to_string(stats.jitter_us / 1000) + " ms, far end lost " +
      std::to_string(stats.far_end_lost) + ", round trip " +
      (stats.round_trip_us ? std::to_string(stats.round_trip_us / 1000) + " ms" : std::string("unknown")));
  endpoint.channel->close();
  endpoint.channel.reset();
  state.channels.add(-1);
}

bool follow_remote(Endpoint& endpoint, const std::string& sdp, std::string& error) {
  const auto remote = parse_audio_offer(sdp, error);
  if (!remote) return false;
  aim(endpoint, *remote);
  return true;
}

void deliver_digit(MediaState& state, const std::string& call_id, char key) {
  auto media = state.calls.find(call_id);
  if (media == state.calls.end()) return;
  if (media->second.digit_sink) {
    auto sink = media->second.digit_sink;  // it may clear itself
    sink(key);
  } else if (media->second.typed_ahead.size() < 64) {
    media->second.typed_ahead += key;
  }
}

void pace_music(MediaState& state, const Endpoint& endpoint, const MusicClass& music) {
  Counter& sent = state.frames_sent;
  endpoint.channel->pace(kFrame, endpoint.units_per_frame, [&music, encoding = endpoint.format.encoding, &sent] {
    const auto frame = music.frame_at(encoding, std::chrono::steady_clock::now());
    if (!frame.empty()) sent.add();
    return frame;
  });
}

CallMedia* ensure_media(const std::shared_ptr<MediaState>& state, const VerbCall& call, std::string& error) {
  if (auto it = state->calls.find(call.call_id); it != state->calls.end()) return &it->second;
  CallEngine& engine = state->host.calls();
  auto endpoint = open_endpoint(state, call.call_id, call.leg, engine.remote_session(call.leg), true, error);
  if (!endpoint) return nullptr;
  const std::string answer = endpoint->next_sdp(answer_direction(endpoint->remote_direction));
  if (!engine.answer_leg(call.leg, {"application/sdp", answer})) {
    close_endpoint(*state, *endpoint);
    error = "no_media: the call was answered without media";
    return nullptr;
  }
  CallMedia media;
  static_cast<Endpoint&>(media) = std::move(*endpoint);
  auto [it, inserted] = state->calls.emplace(call.call_id, std::move(media));
  std::weak_ptr<MediaState> weak = state;
  engine.when_call_ends(call.call_id, [weak, call_id = call.call_id] {
    auto state = weak.lock();
    if (!state) return;
    auto media = state->calls.find(call_id);
    if (media == state->calls.end()) return;
    close_endpoint(*state, media->second);
    state->calls.erase(media);
  });
  return &it->second;
}

void render_clip(const std::shared_ptr<MediaState>& state, const std::string& encoding,
                 std::function<std::vector<std::int16_t>()> make_pcm,
                 std::function<void(std::shared_ptr<const CodedClip>, std::string)> then, RenderOn where) {
  auto coded = std::make_shared<CodedClip>();
  auto problem = std::make_shared<std::string>();
  auto work = [make_pcm = std::move(make_pcm), encoding, coded, problem] {
    try {
      const auto codec = make_codec(encoding);
      if (!codec) throw std::runtime_error("no codec " + encoding);
      *coded = encode_clip(*codec, make_pcm());
    } catch (const std::exception& e) {
      *problem = e.what();
    }
  };
  auto done = [coded, problem, then = std::move(then)] { then(coded, *problem); };
  if (where == RenderOn::workers)
    return state->host.workers().run(std::move(work), state->host.executor(), std::move(done));
  // The plugin's stop() joins this thread before the executor goes.
  Executor& loop = state->host.executor();
  asio::post(state->speech_thread, [work = std::move(work), done = std::move(done), &loop]() mutable {
    work();
    loop.post(std::move(done));
  });
}

std::vector<std::int16_t> load_clips(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::int16_t> pcm;
  for (const auto& path : paths) {
    const auto samples = load_audio(path, kRate);
    pcm.insert(pcm.end(), samples.begin(), samples.end());
  }
  return pcm;
}

void play_to_caller(const std::shared_ptr<MediaState>& state, const VerbCall& call, const CallMedia& media,
                    std::function<std::vector<std::int16_t>()> make_pcm, std::int64_t loops,
                    const std::string& problem_prefix, RenderOn where) {
  std::weak_ptr<MediaState> weak = state;
  render_clip(
      state, media.format.encoding, std::move(make_pcm),
      [weak, endpoint = static_cast<const Endpoint&>(media), done = call.completion, loops, problem_prefix](
          std::shared_ptr<const CodedClip> coded, std::string problem) {
        auto state = weak.lock();
        if (done->done()) return;  // hung up meanwhile
        if (!problem.empty() || !state) return done->reject(problem_prefix + problem);
        done->on_cancel([channel = endpoint.channel] { channel->stop_pacing(); });
        play_clip(state, endpoint, std::move(coded), loops, [done] { done->resolve({true}); });
      },
      where);
}

void play_clip(const std::shared_ptr<MediaState>& state, const Endpoint& endpoint,
               std::shared_ptr<const CodedClip> clip, std::int64_t loops, std::function<void()> finished) {
  Executor& loop_executor = state->host.executor();
  Counter& sent = state->frames_sent;
  auto position = std::make_shared<std::size_t>(0);
  auto rounds = std::make_shared<std::int64_t>(loops);
  endpoint.channel->pace(kFrame, endpoint.units_per_frame,
                         [clip, position, rounds, finished = std::move(finished), &loop_executor,
                          &sent]() -> std::span<const std::uint8_t> {
                           if (*position >= clip->frames() && --*rounds > 0) *position = 0;
                           if (*position >= clip->frames()) {
                             loop_executor.post(finished);
                             return {};
                           }
                           sent.add();
                           return clip->frame((*position)++);
                         });
}

std::vector<std::filesystem::path> files_of(const ScriptValue& value, const std::filesystem::path& sounds) {
  std::vector<std::string> names;
  if (const std::string* one = value.string()) {
    names.push_back(*one);
  } else if (const ScriptTable* list = value.table()) {
    for (const ScriptValue& item : list->array) {
      if (!item.string()) throw VerbArgumentError("files must be a file name or a list of file names");
      names.push_back(*item.string());
    }
  } else {
    throw VerbArgumentError("files must be a file name or a list of file names");
  }
  if (names.empty()) throw VerbArgumentError("the list of files is empty");
  std::vector<std::filesystem::path> paths;
  for (const std::string& name : names) {
    if (name.empty()) throw VerbArgumentError("a file name is empty");
    std::filesystem::path path(name);
    if (path.is_relative()) {
      if (sounds.empty()) throw VerbArgumentError("'" + name + "' is relative and no sounds_directory is set");
      path = sounds / path;
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

std::int64_t seconds_option(const ScriptValue& options, const char* key, std::int64_t fallback) {
  const ScriptValue* value = options.field(key);
  if (!value) return fallback;
  if (!value->integer() || *value->integer() < 1 || *value->integer() > 600)
    throw VerbArgumentError(std::string("options.") + key + " must be a whole number of seconds from 1 to 600");
  return *value->integer();
}

}  // namespace junction::media
