// Plugin "media": the server as the media endpoint of a call's leg, on its own media thread.
// This part: answering a caller with our own audio stream and `play` (announcements from audio
// files, G.711). Recording, digits, tones, music on hold and the rest of issue 4 follow.
#include <filesystem>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>

#include "audio_file.hpp"
#include "audio_sdp.hpp"
#include "core/asio.hpp"
#include "g711.hpp"
#include "junction/junction.hpp"
#include "rtp_channel.hpp"

namespace junction::media {
namespace {

constexpr unsigned kRate = 8000;
constexpr std::uint32_t kSamplesPerFrame = 160;  // 20 ms at 8 kHz
constexpr auto kFrame = std::chrono::milliseconds(20);

struct MediaSettings {
  std::string address = "127.0.0.1";
  PortRange ports;
  std::vector<std::string> codecs{"PCMU", "PCMA"};
  std::filesystem::path sounds;
};

ConfigSchema media_config_schema() {
  using S = ConfigSchema;
  return S::map({
      {"address", S::string().with_default("127.0.0.1").with_doc("IP literal RTP binds to and offers")},
      {"ports", S::map({{"first", S::integer(1024, 65534).with_default("20000")},
                        {"last", S::integer(1025, 65535).with_default("29999")}})
                    .with_doc("RTP port range (even ports are used)")},
      {"codecs", S::list(S::one_of({"PCMU", "PCMA"})).with_doc("in order of preference; default [PCMU, PCMA]")},
      {"sounds_directory", S::string().with_doc("where relative file names given to play() are found")},
  });
}

// One call's media: the channel that is its caller's media endpoint.
struct CallMedia {
  std::shared_ptr<RtpChannel> channel;
  AudioFormat format;
};

struct MediaState {
  MediaState(Host& host, MediaSettings settings)
      : host(host),
        settings(std::move(settings)),
        work(asio::make_work_guard(io)),
        channels(host.metrics().gauge("junction_media_channels", "RTP channels open")),
        frames_sent(host.metrics().counter("junction_media_frames_sent_total", "RTP packets sent")),
        dropped(host.metrics().counter("junction_media_packets_dropped_total",
                                       "RTP packets received and dropped (malformed, wrong type or sender)")),
        thread([this] { io.run(); }) {}

  Host& host;
  MediaSettings settings;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unordered_map<std::string, CallMedia> calls;  // call loop only
  std::mt19937_64 ids{std::random_device{}()};
  Gauge& channels;
  Counter& frames_sent;
  Counter& dropped;
  std::thread thread;  // last: starts running once everything above exists
};

// The caller's media endpoint, answering the call with our own stream if it has none yet.
// Returns nullptr and sets `error` when the call cannot have one.
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
    channel = RtpChannel::open(state->io, state->settings.address, state->settings.ports);
  } catch (const std::exception& e) {
    state->host.logger().error(e.what(), "call=" + call.call_id);
    error = "no_media: no RTP port free";
    return nullptr;
  }
  std::vector<std::uint8_t> accepted{format->payload_type};
  for (const AudioFormat& f : offer->formats)
    if (f.encoding == "telephone-event") accepted.push_back(f.payload_type);
  boost::system::error_code ec;
  const auto remote_ip = asio::ip::make_address(offer->address, ec);
  channel->set_remote({ec ? asio::ip::address_v4::loopback() : remote_ip, ec ? std::uint16_t{0} : offer->port},
                      format->payload_type, accepted);
  channel->start();
  const std::string answer =
      audio_answer(*offer, *format, state->settings.address, channel->port(), state->ids() >> 1);
  if (!engine.answer_leg(call.leg, {"application/sdp", answer})) {
    channel->close();
    error = "no_media: the call was answered without media";
    return nullptr;
  }
  state->channels.add(1);
  auto [it, inserted] = state->calls.emplace(call.call_id, CallMedia{channel, *format});
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

VerbSpec play_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "play";
  spec.params = {{"files", ParamType::any, false, "a file name or a list of them"},
                 {"options", ParamType::table, true, "`loop` (count), `barge_in` (boolean)"}};
  spec.returns = "`true` when played to the end, `nil, reason` otherwise";
  spec.doc = "Plays audio files to the caller, answering the media first.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    const auto paths = files_of(call.args[0], state->settings.sounds);
    std::int64_t loops = 1;
    if (const ScriptValue* loop = call.args[1].field("loop")) {
      if (!loop->integer() || *loop->integer() < 1 || *loop->integer() > 1000)
        throw VerbArgumentError("options.loop must be an integer from 1 to 1000");
      loops = *loop->integer();
    }
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    // Decode the files on a worker (disk and resampling), then send from the media thread.
    auto coded = std::make_shared<std::vector<std::uint8_t>>();
    auto problem = std::make_shared<std::string>();
    const G711Law law = media->format.encoding == "PCMA" ? G711Law::alaw : G711Law::ulaw;
    auto channel = media->channel;
    auto done = call.completion;
    state->host.workers().run(
        [paths, law, coded, problem] {
          try {
            for (const auto& path : paths) {
              const auto pcm = load_audio(path, kRate);
              const auto bytes = g711_encode(law, pcm);
              coded->insert(coded->end(), bytes.begin(), bytes.end());
            }
          } catch (const std::exception& e) {
            *problem = e.what();
          }
        },
        state->host.executor(),
        [weak, coded, problem, channel, done, loops] {
          auto state = weak.lock();
          if (done->done()) return;  // hung up meanwhile
          if (!problem->empty() || !state) return done->reject("file: " + *problem);
          Executor& loop_executor = state->host.executor();
          Counter& sent = state->frames_sent;
          auto position = std::make_shared<std::size_t>(0);
          auto rounds = std::make_shared<std::int64_t>(loops);
          channel->pace(kFrame, kSamplesPerFrame,
                        [coded, position, rounds, done, &loop_executor, &sent]() -> std::optional<std::vector<std::uint8_t>> {
                          if (*position >= coded->size() && --*rounds > 0) *position = 0;
                          if (*position >= coded->size()) {
                            loop_executor.post([done] { done->resolve({true}); });
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
          done->on_cancel([channel] { channel->stop_pacing(); });
        });
  };
  return spec;
}

class MediaPlugin final : public Plugin {
 public:
  void configure(const ConfigNode& config) override {
    settings_.address = config.get_string("address", "127.0.0.1");
    boost::system::error_code ec;
    asio::ip::make_address(settings_.address, ec);
    if (ec) throw ConfigError(config.mark(), config.path() + ".address", "'" + settings_.address + "' is not an IP literal");
    if (const ConfigNode* ports = config.find("ports")) {
      settings_.ports.first = static_cast<std::uint16_t>(ports->get_int("first", 20000));
      settings_.ports.last = static_cast<std::uint16_t>(ports->get_int("last", 29999));
      if (settings_.ports.last <= settings_.ports.first)
        throw ConfigError(ports->mark(), ports->path(), "last must be above first");
    }
    if (const ConfigNode* codecs = config.find("codecs")) {
      settings_.codecs.clear();
      for (const ConfigNode& item : codecs->items()) settings_.codecs.push_back(item.text());
      if (settings_.codecs.empty()) throw ConfigError(codecs->mark(), codecs->path(), "at least one codec is needed");
    }
    settings_.sounds = config.get_string("sounds_directory");
  }

  void start(Host& host) override {
    state_ = std::make_shared<MediaState>(host, settings_);
    host.registrar().add_script_verb(play_verb(state_));
    host.logger().info("RTP on " + settings_.address + " ports " + std::to_string(settings_.ports.first) + "-" +
                       std::to_string(settings_.ports.last));
  }

  void stop() override {
    if (!state_) return;
    for (auto& [id, media] : state_->calls) media.channel->close();
    state_->calls.clear();
    state_->work.reset();
    state_->io.stop();
    state_->thread.join();
    state_.reset();
  }

 private:
  MediaSettings settings_;
  std::shared_ptr<MediaState> state_;
};

}  // namespace
}  // namespace junction::media

JUNCTION_PLUGIN(junction::media::MediaPlugin, "media", "0.1.0",
                "RTP media endpoint: answers calls with its own audio and plays announcements (issue 4, in progress)",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), &junction::media::media_config_schema);
