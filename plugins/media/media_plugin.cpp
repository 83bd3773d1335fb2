// Plugin "media": the server as the media endpoint of a call's leg, on its own media thread.
// This part: answering a caller with our own audio stream, `play` (announcements from audio
// files, G.711) and `collect` (RFC 4733 digits, with a prompt and barge-in). Recording, tones,
// music on hold and the rest of issue 4 follow.
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
#include "recorder.hpp"
#include "rtp_channel.hpp"
#include "speech.hpp"
#include "telephone_event.hpp"
#include "tones.hpp"

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
  std::string tone_country = "de";
  std::string language = "en";
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
      {"language", S::string().with_default("en").with_doc("say(): the espeak-ng voice used when a flow names none")},
      {"tone_country", S::one_of({"at", "ch", "de", "fr", "nl", "uk", "us"})
                           .with_default("de")
                           .with_doc("whose ringback, busy and congestion tones tone() plays")},
  });
}

// What the media thread does with a call's incoming audio. Media thread only.
struct MediaTap {
  std::shared_ptr<Recorder> recorder;  // while record() runs
};

// One call's media: the channel that is its caller's media endpoint. Call loop only.
struct CallMedia {
  std::shared_ptr<MediaTap> tap;  // shared with the media thread, which alone touches it
  std::shared_ptr<RtpChannel> channel;
  AudioFormat format;
  std::string typed_ahead;               // digits pressed while nobody collected them
  std::function<void(char)> digit_sink;  // the collect() or record() waiting for keys, if any
  std::uint64_t sink_owner = 0;          // which verb call set digit_sink (to clear only its own)
  G711Law law() const { return format.encoding == "PCMA" ? G711Law::alaw : G711Law::ulaw; }
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
  MediaClock clock{io};                              // media thread only
  std::unordered_map<std::string, CallMedia> calls;  // call loop only
  std::mt19937_64 ids{std::random_device{}()};
  Gauge& channels;
  Counter& frames_sent;
  Counter& dropped;
  std::thread thread;  // last: starts running once everything above exists

  // When start() failed after this was made, stop() never runs: the thread must not be left.
  ~MediaState() {
    if (!thread.joinable()) return;
    work.reset();
    io.stop();
    thread.join();
  }
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

// Decodes `paths` on a worker, then hands the G.711 bytes (or the problem) to `then` on the
// call loop.
void load_clips(const std::shared_ptr<MediaState>& state, std::vector<std::filesystem::path> paths, G711Law law,
                std::function<void(std::shared_ptr<std::vector<std::uint8_t>>, std::string)> then) {
  auto coded = std::make_shared<std::vector<std::uint8_t>>();
  auto problem = std::make_shared<std::string>();
  state->host.workers().run(
      [paths = std::move(paths), law, coded, problem] {
        try {
          for (const auto& path : paths) {
            const auto bytes = g711_encode(law, load_audio(path, kRate));
            coded->insert(coded->end(), bytes.begin(), bytes.end());
          }
        } catch (const std::exception& e) {
          *problem = e.what();
        }
      },
      state->host.executor(), [coded, problem, then = std::move(then)] { then(coded, *problem); });
}

// Sends `coded` on the channel in 20 ms frames, `loops` times, then runs `finished` on the
// call loop (not when stopped with stop_pacing()).
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
    auto channel = media->channel;
    auto done = call.completion;
    load_clips(state, paths, media->law(),
               [weak, channel, done, loops](std::shared_ptr<std::vector<std::uint8_t>> coded, std::string problem) {
                 auto state = weak.lock();
                 if (done->done()) return;  // hung up meanwhile
                 if (!problem.empty() || !state) return done->reject("file: " + problem);
                 done->on_cancel([channel] { channel->stop_pacing(); });
                 play_clip(state, channel, std::move(coded), loops, [done] { done->resolve({true}); });
               });
  };
  return spec;
}

std::int64_t seconds_option(const ScriptValue& options, const char* key, std::int64_t fallback) {
  const ScriptValue* value = options.field(key);
  if (!value) return fallback;
  if (!value->integer() || *value->integer() < 1 || *value->integer() > 600)
    throw VerbArgumentError(std::string("options.") + key + " must be a whole number of seconds from 1 to 600");
  return *value->integer();
}

// One collect() in progress, on the call loop.
struct Collection : std::enable_shared_from_this<Collection> {
  std::weak_ptr<MediaState> state;
  std::string call_id;
  std::shared_ptr<Completion> done;
  std::shared_ptr<RtpChannel> channel;
  std::size_t max_digits = 20;
  std::chrono::seconds first_timeout{5};
  std::chrono::seconds inter_timeout{3};
  std::optional<char> terminator = '#';
  std::string digits;
  bool prompting = false;
  TimerId timer = 0;

  CallMedia* media() {
    auto s = state.lock();
    if (!s) return nullptr;
    auto it = s->calls.find(call_id);
    return it == s->calls.end() ? nullptr : &it->second;
  }
  Executor* loop() {
    auto s = state.lock();
    return s ? &s->host.executor() : nullptr;
  }

  void wait(std::chrono::seconds timeout) {
    if (Executor* l = loop()) {
      l->cancel(timer);
      std::weak_ptr<Collection> weak = shared_from_this();
      timer = l->call_after(timeout, [weak] {
        if (auto self = weak.lock()) self->timed_out();
      });
    }
  }

  void key(char k) {
    if (done->done()) return;
    if (prompting) {  // barge-in: the caller knows what to press
      prompting = false;
      channel->stop_pacing();
    }
    if (terminator && k == *terminator) return finish();
    digits += k;
    if (digits.size() >= max_digits) return finish();
    wait(inter_timeout);
  }

  void prompt_ended() {
    prompting = false;
    if (!done->done()) wait(digits.empty() ? first_timeout : inter_timeout);
  }

  void timed_out() {
    if (digits.empty()) return stop([this] { done->reject("timeout"); });
    finish();
  }

  void finish() {
    stop([this] { done->resolve({digits}); });
  }

  // Ends the collection: no more keys, no prompt, no timer; then `report` (unless cancelled).
  template <class Report>
  void stop(Report report) {
    if (Executor* l = loop()) l->cancel(timer);
    if (CallMedia* m = media()) m->digit_sink = nullptr;
    if (prompting) channel->stop_pacing();
    prompting = false;
    if (!done->done()) report();
  }
};

VerbSpec collect_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "collect";
  spec.params = {
      {"options", ParamType::table, false, "`prompt`, `max_digits`, `first_timeout`, `inter_timeout`, `terminator`"}};
  spec.returns = "the digits collected (a string), or `nil, reason`";
  spec.doc = "Plays a prompt and gathers DTMF digits.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    const ScriptValue& options = call.args[0];
    auto collection = std::make_shared<Collection>();
    collection->state = weak;
    collection->call_id = call.call_id;
    collection->done = call.completion;
    if (const ScriptValue* max = options.field("max_digits")) {
      if (!max->integer() || *max->integer() < 1 || *max->integer() > 64)
        throw VerbArgumentError("options.max_digits must be a whole number from 1 to 64");
      collection->max_digits = static_cast<std::size_t>(*max->integer());
    }
    collection->first_timeout = std::chrono::seconds(seconds_option(options, "first_timeout", 5));
    collection->inter_timeout = std::chrono::seconds(seconds_option(options, "inter_timeout", 3));
    if (const ScriptValue* terminator = options.field("terminator")) {
      const std::string* text = terminator->string();
      if (!text || text->size() > 1 ||
          (text->size() == 1 && std::string("0123456789*#ABCD").find(*text) == std::string::npos))
        throw VerbArgumentError("options.terminator must be one key (0-9, *, #, A-D) or \"\" for none");
      collection->terminator = text->empty() ? std::nullopt : std::optional<char>((*text)[0]);
    }
    std::vector<std::filesystem::path> prompt;
    if (const ScriptValue* files = options.field("prompt")) prompt = files_of(*files, state->settings.sounds);
    for (const auto& [key, value] :
         options.table() ? options.table()->fields : std::vector<std::pair<std::string, ScriptValue>>{})
      if (key != "prompt" && key != "max_digits" && key != "first_timeout" && key != "inter_timeout" &&
          key != "terminator")
        throw VerbArgumentError("unknown option '" + key +
                                "' (prompt, max_digits, first_timeout, inter_timeout, terminator)");
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    collection->channel = media->channel;
    call.completion->on_cancel([collection] { collection->stop([] {}); });
    ++media->sink_owner;
    media->digit_sink = [collection](char k) { collection->key(k); };
    // Keys pressed before collect() began count first (type-ahead).
    const std::string early = std::exchange(media->typed_ahead, {});
    for (char k : early) {
      collection->key(k);
      if (collection->done->done()) return;
    }
    if (prompt.empty() || !collection->digits.empty())
      return collection->wait(collection->digits.empty() ? collection->first_timeout : collection->inter_timeout);
    collection->prompting = true;
    load_clips(state, prompt, media->law(),
               [weak, collection](std::shared_ptr<std::vector<std::uint8_t>> coded, std::string problem) {
                 auto state = weak.lock();
                 if (collection->done->done() || !collection->prompting) return;
                 if (!state || !problem.empty())
                   return collection->stop([&] { collection->done->reject("file: " + problem); });
                 play_clip(state, collection->channel, std::move(coded), 1, [collection] {
                   if (collection->prompting) collection->prompt_ended();
                 });
               });
  };
  return spec;
}

// One record() in progress: ticked every 20 ms on the media thread; ends itself (length,
// silence) or is ended from the call loop (a stop key, a hang-up). Each end hands the samples
// to `ended` on the call loop exactly once.
struct Recording : std::enable_shared_from_this<Recording> {
  Recording(asio::io_context& io, std::shared_ptr<MediaTap> tap, std::shared_ptr<Recorder> recorder)
      : timer(io), tap(std::move(tap)), recorder(std::move(recorder)) {}

  asio::steady_timer timer;  // media thread from here on
  std::shared_ptr<MediaTap> tap;
  std::shared_ptr<Recorder> recorder;
  bool over = false;
  std::function<void(std::vector<std::int16_t>, char)> ended;  // posted to the call loop
  Executor* loop = nullptr;

  std::chrono::steady_clock::time_point give_up{};  // even if the caller never sends a packet

  void start(std::chrono::milliseconds max_length) {
    tap->recorder = recorder;
    give_up = std::chrono::steady_clock::now() + max_length + std::chrono::seconds(1);
    tick(std::chrono::steady_clock::now() + kFrame);
  }
  void tick(std::chrono::steady_clock::time_point deadline) {
    timer.expires_at(deadline);
    timer.async_wait([self = shared_from_this(), deadline](const boost::system::error_code& ec) {
      if (ec || self->over) return;
      if (self->recorder->tick() != Recorder::Stop::running || deadline > self->give_up) return self->end(0);
      self->tick(deadline + self->recorder->turn());
    });
  }
  void end(char key) {
    if (over) return;
    over = true;
    timer.cancel();
    if (tap->recorder == recorder) tap->recorder.reset();
    loop->post([ended = ended, samples = recorder->samples(), key]() mutable { ended(std::move(samples), key); });
  }
};

VerbSpec record_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "record";
  spec.params = {{"file", ParamType::string, false, "where to write the WAV"},
                 {"options", ParamType::table, true, "`max_seconds`, `silence_seconds`, `stop_digits`"}};
  spec.returns = "the recording's length in ms and the digit that stopped it";
  spec.doc = "Records the caller into a WAV file.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    const auto path = files_of(call.args[0], state->settings.sounds).front();
    const ScriptValue& options = call.args[1];
    Recorder::Limits limits;
    limits.max_length = std::chrono::seconds(seconds_option(options, "max_seconds", 60));
    if (const ScriptValue* silence = options.field("silence_seconds")) {
      if (!silence->integer() || *silence->integer() < 0 || *silence->integer() > 600)
        throw VerbArgumentError("options.silence_seconds must be a whole number of seconds from 0 (off) to 600");
      limits.silence = std::chrono::seconds(*silence->integer());
    }
    std::string stop_digits = "#";
    if (const ScriptValue* digits = options.field("stop_digits")) {
      if (!digits->string() || digits->string()->find_first_not_of("0123456789*#ABCD") != std::string::npos)
        throw VerbArgumentError("options.stop_digits must be a string of keys (0-9, *, #, A-D)");
      stop_digits = *digits->string();
    }
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    const std::uint64_t owner = ++media->sink_owner;  // the stop keys below are this call's
    auto recording =
        std::make_shared<Recording>(state->io, media->tap, std::make_shared<Recorder>(media->law(), limits));
    recording->loop = &state->host.executor();
    auto done = call.completion;
    // Whatever ends it, the file is written (a caller hanging up ends a voicemail, it does not
    // discard it); the flow hears of it unless it was cancelled.
    recording->ended = [weak, path, done, call_id = call.call_id, owner](std::vector<std::int16_t> samples, char key) {
      auto state = weak.lock();
      if (!state) return;
      // Keys after the recording ended are the flow's again (type-ahead for what comes next).
      if (auto it = state->calls.find(call_id); it != state->calls.end() && it->second.sink_owner == owner)
        it->second.digit_sink = nullptr;
      const auto length_ms = static_cast<std::int64_t>(samples.size() / 8);
      auto problem = std::make_shared<std::string>();
      auto shared = std::make_shared<std::vector<std::int16_t>>(std::move(samples));
      state->host.workers().run(
          [path, shared, problem] {
            try {
              save_wav(path, *shared, kRate);
            } catch (const std::exception& e) {
              *problem = e.what();
            }
          },
          state->host.executor(),
          [weak, done, problem, length_ms, key, path] {
            if (!problem->empty()) {
              if (auto state = weak.lock()) state->host.logger().error("record: " + *problem);
              return done->reject("file: " + *problem);
            }
            ScriptValues results{length_ms};
            results.push_back(key ? ScriptValue(std::string(1, key)) : ScriptValue());
            done->resolve(std::move(results));
          });
    };
    auto end_on_media_thread = [state_io = &state->io, recording](char key) {
      asio::post(*state_io, [recording, key] { recording->end(key); });
    };
    media->digit_sink = [end_on_media_thread, stop_digits, weak, call_id = call.call_id](char key) {
      if (stop_digits.find(key) == std::string::npos) return;
      if (auto state = weak.lock())
        if (auto it = state->calls.find(call_id); it != state->calls.end()) it->second.digit_sink = nullptr;
      end_on_media_thread(key);
    };
    call.completion->on_cancel([end_on_media_thread, weak, call_id = call.call_id] {
      if (auto state = weak.lock())
        if (auto it = state->calls.find(call_id); it != state->calls.end()) it->second.digit_sink = nullptr;
      end_on_media_thread(0);
    });
    asio::post(state->io, [recording, max_length = limits.max_length] { recording->start(max_length); });
  };
  return spec;
}

VerbSpec tone_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "tone";
  spec.params = {{"name", ParamType::string, false, "ringback, busy or congestion"},
                 {"options", ParamType::table, true, "`seconds` (default 30), `country` (default the plugin's)"}};
  spec.returns = "`true` after the time, or `nil, reason`";
  spec.doc = "Plays a call progress tone of the country to the caller, answering the media first.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    const std::string& name = *call.args[0].string();
    std::string country = state->settings.tone_country;
    if (const ScriptValue* c = call.args[1].field("country")) {
      if (!c->string()) throw VerbArgumentError("options.country must be a string");
      country = *c->string();
    }
    const auto cadence = tone_cadence(name, country);
    if (!cadence) {
      if (!tone_cadence("busy", country))
        throw VerbArgumentError("unknown country '" + country + "' (" + known_tone_countries() + ")");
      throw VerbArgumentError("unknown tone '" + name + "' (ringback, busy, congestion)");
    }
    const auto seconds = seconds_option(call.args[1], "seconds", 30);
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    auto coded = std::make_shared<std::vector<std::uint8_t>>(
        g711_encode(media->law(), tone_samples(*cadence, std::chrono::seconds(seconds))));
    auto channel = media->channel;
    auto done = call.completion;
    done->on_cancel([channel] { channel->stop_pacing(); });
    play_clip(state, channel, std::move(coded), 1, [done] { done->resolve({true}); });
  };
  return spec;
}

VerbSpec say_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "say";
  spec.params = {{"text", ParamType::string, false, "what to say (up to 2,000 characters)"},
                 {"options", ParamType::table, true, "`language` (an espeak-ng voice: en, de, fr ...)"}};
  spec.returns = "`true` when said to the end, `nil, reason` otherwise";
  spec.doc = "Speaks the text to the caller with text-to-speech, answering the media first.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    const std::string text = *call.args[0].string();
    if (text.empty() || text.size() > 2000) throw VerbArgumentError("text must have 1 to 2,000 characters");
    std::string language = state->settings.language;
    if (const ScriptValue* l = call.args[1].field("language")) {
      if (!l->string() || l->string()->empty() || l->string()->size() > 32)
        throw VerbArgumentError("options.language must be a voice name such as \"en\" or \"de\"");
      language = *l->string();
    }
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    auto coded = std::make_shared<std::vector<std::uint8_t>>();
    auto problem = std::make_shared<std::string>();
    auto channel = media->channel;
    auto done = call.completion;
    const G711Law law = media->law();
    state->host.workers().run(
        [text, language, law, coded, problem] {
          try {
            *coded = g711_encode(law, synthesize(text, language, kRate));
          } catch (const std::exception& e) {
            *problem = e.what();
          }
        },
        state->host.executor(),
        [weak, coded, problem, channel, done] {
          auto state = weak.lock();
          if (done->done()) return;
          if (!state || !problem->empty()) return done->reject(*problem);
          done->on_cancel([channel] { channel->stop_pacing(); });
          play_clip(state, channel, coded, 1, [done] { done->resolve({true}); });
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
    if (ec)
      throw ConfigError(config.mark(), config.path() + ".address", "'" + settings_.address + "' is not an IP literal");
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
    settings_.tone_country = config.get_string("tone_country", "de");
    settings_.language = config.get_string("language", "en");
  }

  void start(Host& host) override {
    state_ = std::make_shared<MediaState>(host, settings_);
    host.registrar().add_script_verb(play_verb(state_));
    host.registrar().add_script_verb(collect_verb(state_));
    host.registrar().add_script_verb(record_verb(state_));
    host.registrar().add_script_verb(tone_verb(state_));
    host.registrar().add_script_verb(say_verb(state_));
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
