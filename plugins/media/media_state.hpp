// What the media plugin's parts share: its settings, the per-call media state and the
// helpers every verb uses to become the caller's media endpoint and send audio.
// Threads: `calls` and CallMedia belong to the call loop, MediaTap to the media thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audio_sdp.hpp"
#include "core/asio.hpp"
#include "g711.hpp"
#include "junction/junction.hpp"
#include "media_clock.hpp"
#include "recorder.hpp"
#include "rtp_channel.hpp"

namespace junction::media {

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

/// The caller's media endpoint, answering the call with our own stream if it has none yet.
/// Returns nullptr and sets `error` ("no_media: ...") when the call cannot have one.
CallMedia* ensure_media(const std::shared_ptr<MediaState>& state, const VerbCall& call, std::string& error);

/// Runs `make_pcm` (files, speech, tones: blocking work) on a worker and encodes its 8 kHz
/// samples, then hands the G.711 bytes (or what it threw) to `then` on the call loop.
void render_clip(const std::shared_ptr<MediaState>& state, G711Law law,
                 std::function<std::vector<std::int16_t>()> make_pcm,
                 std::function<void(std::shared_ptr<std::vector<std::uint8_t>>, std::string)> then);

/// The files one after the other, 8 kHz mono. Blocking: for render_clip().
std::vector<std::int16_t> load_clips(const std::vector<std::filesystem::path>& paths);

/// A verb's audio for the caller: rendered on a worker, then played `loops` times; the verb
/// resolves with `true` at the end, rejects with `problem_prefix` + what went wrong, and a
/// hang-up stops the playing.
void play_to_caller(const std::shared_ptr<MediaState>& state, const VerbCall& call, const CallMedia& media,
                    std::function<std::vector<std::int16_t>()> make_pcm, std::int64_t loops,
                    const std::string& problem_prefix);

/// Sends `coded` on the channel in 20 ms frames, `loops` times, then runs `finished` on the
/// call loop (not when stopped with stop_pacing()).
void play_clip(const std::shared_ptr<MediaState>& state, const std::shared_ptr<RtpChannel>& channel,
               std::shared_ptr<std::vector<std::uint8_t>> coded, std::int64_t loops, std::function<void()> finished);

/// A verb's file argument: a name or a list of names, relative ones in `sounds`.
std::vector<std::filesystem::path> files_of(const ScriptValue& value, const std::filesystem::path& sounds);

/// A whole number of seconds from 1 to 600 in options[key], or `fallback`.
std::int64_t seconds_option(const ScriptValue& options, const char* key, std::int64_t fallback);

// The verbs, each in its own file.
VerbSpec play_verb(std::weak_ptr<MediaState> state);
VerbSpec tone_verb(std::weak_ptr<MediaState> state);
VerbSpec say_verb(std::weak_ptr<MediaState> state);
VerbSpec collect_verb(std::weak_ptr<MediaState> state);
VerbSpec record_verb(std::weak_ptr<MediaState> state);

}  // namespace junction::media
