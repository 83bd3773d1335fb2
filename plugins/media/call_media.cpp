#include <algorithm>

#include "audio_file.hpp"
#include "media_state.hpp"
#include "telephone_event.hpp"

namespace junction::media {

CallMedia* ensure_media(const std::shared_ptr<MediaState>& state, const VerbCall& call, std::string& error) {
  if (auto it = state->calls.find(call.call_id); it != state->calls.end()) return &it->second;
  CallEngine& engine = state->host.calls();
  const SessionDescription offer_sdp = engine.remote_session(call.leg);
  if (offer_sdp.empty()) {
    error = "no_media: the caller offered no session";
    return nullptr;
  }
  const auto offer = parse_audio_offer(offer_sdp.body, error);
  if (!offer) {
    error = "no_media: " + error;
    return nullptr;
  }
  const auto format = choose_format(*offer, state->settings.codecs);
  if (!format) {
    error = "no_media: no common codec";
    return nullptr;
  }
  std::shared_ptr<RtpChannel> channel;
  try {
    channel = RtpChannel::open(state->io, state->settings.address, state->settings.ports, &state->clock);
  } catch (const std::exception& e) {
    state->host.logger().error(e.what(), "call=" + call.call_id);
    error = "no_media: no RTP port free";
    return nullptr;
  }
  std::vector<std::uint8_t> accepted{format->payload_type};
  int event_type = -1;
  for (const AudioFormat& f : offer->formats)
    if (f.encoding == "telephone-event" && f.rate == format->rate && event_type < 0) {  // the one audio_answer names
      accepted.push_back(f.payload_type);
      event_type = f.payload_type;
    }
  // Key presses, detected on the media thread, go to the call loop.
  std::weak_ptr<MediaState> weak_state = state;
  auto detector = std::make_shared<DtmfDetector>();
  auto tap = std::make_shared<MediaTap>();
  channel->on_receive([weak_state, detector, tap, event_type, call_id = call.call_id](
                          const RtpHeader& header, std::span<const std::uint8_t> payload) {
    if (header.payload_type != event_type) {
      if (tap->recorder) tap->recorder->feed(header.sequence, header.timestamp, payload);
      return;
    }
    const auto key = detector->on_packet(header.timestamp, payload);
    auto state = weak_state.lock();
    if (!key || !state) return;
    state->host.executor().post([weak_state, call_id, key = *key] {
      auto state = weak_state.lock();
      if (!state) return;
      auto media = state->calls.find(call_id);
      if (media == state->calls.end()) return;
      if (media->second.digit_sink) {
        auto sink = media->second.digit_sink;  // it may clear itself
        sink(key);
      } else if (media->second.typed_ahead.size() < 64) {
        media->second.typed_ahead += key;
      }
    });
  });
  boost::system::error_code ec;
  const auto remote_ip = asio::ip::make_address(offer->address, ec);
  channel->keep_alive(state);  // its io_context, for closures holding the channel past stop()
  channel->set_remote({ec ? asio::ip::address_v4::loopback() : remote_ip, ec ? std::uint16_t{0} : offer->port},
                      format->payload_type, accepted);
  channel->start();
  const std::string answer = audio_answer(*offer, *format, state->settings.address, channel->port(), state->ids() >> 1);
  if (!engine.answer_leg(call.leg, {"application/sdp", answer})) {
    channel->close();
    error = "no_media: the call was answered without media";
    return nullptr;
  }
  state->channels.add(1);
  CallMedia media;
  media.tap = tap;
  media.channel = channel;
  media.format = *format;
  auto [it, inserted] = state->calls.emplace(call.call_id, std::move(media));
  std::weak_ptr<MediaState> weak = state;
  engine.when_call_ends(call.call_id, [weak, call_id = call.call_id] {
    auto state = weak.lock();
    if (!state) return;
    auto media = state->calls.find(call_id);
    if (media == state->calls.end()) return;
    const auto& stats = media->second.channel->stats();
    state->dropped.add(stats.malformed + stats.wrong_payload + stats.wrong_ssrc);
    media->second.channel->close();
    state->calls.erase(media);
    state->channels.add(-1);
  });
  return &it->second;
}

void render_clip(const std::shared_ptr<MediaState>& state, G711Law law,
                 std::function<std::vector<std::int16_t>()> make_pcm,
                 std::function<void(std::shared_ptr<std::vector<std::uint8_t>>, std::string)> then) {
  auto coded = std::make_shared<std::vector<std::uint8_t>>();
  auto problem = std::make_shared<std::string>();
  state->host.workers().run(
      [make_pcm = std::move(make_pcm), law, coded, problem] {
        try {
          *coded = g711_encode(law, make_pcm());
        } catch (const std::exception& e) {
          *problem = e.what();
        }
      },
      state->host.executor(), [coded, problem, then = std::move(then)] { then(coded, *problem); });
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
                    const std::string& problem_prefix) {
  std::weak_ptr<MediaState> weak = state;
  render_clip(state, media.law(), std::move(make_pcm),
              [weak, channel = media.channel, done = call.completion, loops, problem_prefix](
                  std::shared_ptr<std::vector<std::uint8_t>> coded, std::string problem) {
                auto state = weak.lock();
                if (done->done()) return;  // hung up meanwhile
                if (!problem.empty() || !state) return done->reject(problem_prefix + problem);
                done->on_cancel([channel] { channel->stop_pacing(); });
                play_clip(state, channel, std::move(coded), loops, [done] { done->resolve({true}); });
              });
}

void play_clip(const std::shared_ptr<MediaState>& state, const std::shared_ptr<RtpChannel>& channel,
               std::shared_ptr<std::vector<std::uint8_t>> coded, std::int64_t loops, std::function<void()> finished) {
  Executor& loop_executor = state->host.executor();
  Counter& sent = state->frames_sent;
  auto position = std::make_shared<std::size_t>(0);
  auto rounds = std::make_shared<std::int64_t>(loops);
  channel->pace(kFrame, kSamplesPerFrame,
                [coded, position, rounds, finished = std::move(finished), &loop_executor,
                 &sent]() -> std::optional<std::vector<std::uint8_t>> {
                  if (*position >= coded->size() && --*rounds > 0) *position = 0;
                  if (*position >= coded->size()) {
                    loop_executor.post(finished);
                    return std::nullopt;
                  }
                  // The last frame is filled up with silence to a whole frame.
                  std::vector<std::uint8_t> frame(kSamplesPerFrame, 0xff);
                  const std::size_t n = std::min<std::size_t>(kSamplesPerFrame, coded->size() - *position);
                  std::copy_n(coded->begin() + static_cast<std::ptrdiff_t>(*position), n, frame.begin());
                  *position += n;
                  sent.add();
                  return frame;
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
