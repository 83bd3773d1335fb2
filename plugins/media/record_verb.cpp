// record: the caller's audio into a WAV file.
#include "audio_file.hpp"
#include "media_state.hpp"

namespace junction::media {

namespace {
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

}  // namespace

VerbSpec record_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "record";
  spec.params = {
      {"file", ParamType::string, false, "where to write the WAV (a relative name: in the recordings directory)"},
      {"options", ParamType::table, true, "`max_seconds`, `silence_seconds`, `stop_digits`"}};
  spec.returns = "the recording's length in ms and the digit that stopped it";
  spec.doc = "Records the caller into a WAV file.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    std::filesystem::path path(*call.args[0].string());
    if (path.empty()) throw VerbArgumentError("file is empty");
    // Recordings made for messages live with the node's state, where save_message{} finds them
    // (their folder is made on the worker that writes the file, not here on the call loop).
    const bool in_recordings = path.is_relative();
    if (in_recordings) path = state->host.recordings_directory() / path;
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
        std::make_shared<Recording>(state->media_for(call.call_id).io, media->tap,
                                    std::make_shared<Recorder>(make_codec(media->format.encoding), limits));
    recording->loop = &state->host.executor();
    auto done = call.completion;
    // Whatever ends it, the file is written (a caller hanging up ends a voicemail, it does not
    // discard it); the flow hears of it unless it was cancelled.
    // Until the file is written, a save_message{} of it waits (the caller may hang up first).
    state->host.messages().file_in_progress(path.string());
    recording->ended = [weak, path, done, call_id = call.call_id, owner, in_recordings](
                           std::vector<std::int16_t> samples, char key) {
      auto state = weak.lock();
      if (!state) return;
      // Keys after the recording ended are the flow's again (type-ahead for what comes next).
      if (auto it = state->calls.find(call_id); it != state->calls.end() && it->second.sink_owner == owner)
        it->second.digit_sink = nullptr;
      const auto length_ms = static_cast<std::int64_t>(samples.size() / 8);
      auto problem = std::make_shared<std::string>();
      auto shared = std::make_shared<std::vector<std::int16_t>>(std::move(samples));
      state->host.workers().run(
          [path, shared, problem, in_recordings] {
            try {
              if (in_recordings) std::filesystem::create_directories(path.parent_path());
              save_wav(path, *shared, kRate);
            } catch (const std::exception& e) {
              *problem = e.what();
            }
          },
          state->host.executor(),
          [weak, done, problem, length_ms, key, path] {
            if (auto state = weak.lock()) state->host.messages().file_written(path.string());
            if (!problem->empty()) {
              if (auto state = weak.lock()) state->host.logger().error("record: " + *problem);
              return done->reject("file: " + *problem);
            }
            ScriptValues results{length_ms};
            results.push_back(key ? ScriptValue(std::string(1, key)) : ScriptValue());
            done->resolve(std::move(results));
          });
    };
    auto end_on_media_thread = [state_io = &state->media_for(call.call_id).io, recording](char key) {
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
    asio::post(state->media_for(call.call_id).io,
               [recording, max_length = limits.max_length] { recording->start(max_length); });
  };
  return spec;
}

}  // namespace junction::media
