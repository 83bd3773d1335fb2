// What the media plugin's parts share: its settings, the per-call media state and the
// helpers every verb uses to become the caller's media endpoint and send audio.
// Threads: `calls` and CallMedia belong to the call loop, MediaTap to the media thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audio_codec.hpp"
#include "audio_sdp.hpp"
#include "core/asio.hpp"
#include "junction/junction.hpp"
#include "media_clock.hpp"
#include "music_on_hold.hpp"
#include "recorder.hpp"
#include "rtp_channel.hpp"
#include "stereo_recording.hpp"
#include "transcoder.hpp"

namespace junction::media {

constexpr unsigned kRate = 8000;
constexpr std::uint32_t kSamplesPerFrame = 160;  // 20 ms at 8 kHz
constexpr auto kFrame = std::chrono::milliseconds(20);

struct MediaSettings {
  std::string address = "127.0.0.1";
  PortRange ports;
  std::vector<std::string> codecs{"PCMU", "PCMA", "G722", "opus"};
  std::filesystem::path sounds;
  std::string tone_country = "de";
  std::string language = "en";
  std::map<std::string, std::vector<std::filesystem::path>> music_classes;  // besides the built-in "default"
  std::string hold_music = "default";             // played to a party its peer holds; empty: holds pass through
  std::chrono::milliseconds rtcp_interval{5000};  // 0: no RTCP reports
  unsigned threads = 1;                           // media threads
};

// What the media thread does with a leg's incoming audio. Media thread only.
struct MediaTap {
  std::shared_ptr<Recorder> recorder;  // while record() runs
  // Relaying to the other leg of an anchored call: as it is when both use one codec, else
  // through a Transcoder (jitter buffer, decode, 20 ms frames, encode) ticked every turn.
  std::shared_ptr<RtpChannel> relay_to;
  std::uint8_t relay_audio_type = 0;        // the other leg's payload types
  int relay_event_type = -1;                // -1: its telephone-event differs in clock (or is absent)
  std::unique_ptr<AudioCodec> decoder;      // this leg's codec: packet lengths, recording
  std::shared_ptr<Transcoder> transcoder;   // when the other leg's codec differs
  std::shared_ptr<StereoRecording> stereo;  // record_call(): this leg is `side` of it
  int side = 0;
};

// A leg whose media the server terminates: the channel and what we told the leg about it.
struct Endpoint {
  LegId leg = 0;
  std::shared_ptr<MediaTap> tap;  // shared with the media thread, which alone touches it
  std::shared_ptr<RtpChannel> channel;
  AudioFormat format;                   // the codec both sides send
  std::vector<AudioFormat> formats;     // what our SDP lists: the codec, then telephone-event
  OwnSdp own;                           // our address, port and origin towards this leg
  std::string remote_direction;         // of the far end's latest session (sendrecv, sendonly ...)
  std::uint32_t units_per_frame = 160;  // RTP timestamp units in 20 ms of `format`
  /// Our next SDP for the leg (the origin's version goes up).
  std::string next_sdp(const std::string& direction) {
    ++own.version;
    return audio_sdp(own, formats, direction);
  }
  /// The far end's next session `sdp` passed on under our origin (version up).
  std::string pass_on(const std::string& sdp) {
    ++own.version;
    return with_origin(sdp, own);
  }
};

// One call's media towards its caller, which the verbs use. Call loop only.
struct CallMedia : Endpoint {
  std::string typed_ahead;               // digits pressed while nobody collected them
  std::function<void(char)> digit_sink;  // the collect() or record() waiting for keys, if any
  std::uint64_t sink_owner = 0;          // which verb call set digit_sink (to clear only its own)
};

// A bridged call whose media the server holds on both legs: to play music to one while the
// other holds it, or to relay (and record) between them. Call loop only.
struct AnchoredCall {
  enum class Mode { music, relay };
  Mode mode = Mode::relay;
  Endpoint a;           // relay: the caller's leg; music: the leg that holds
  Endpoint b;           // relay: the callee's leg; music: the leg that is held and hears the music
  int offers_open = 0;  // our own offers waiting for their answers
  // An offer from a leg that came while ours was open: answered once ours is settled.
  LegId waiting_leg = 0;
  SessionDescription waiting_offer;
  std::string record_path;  // relay with record_call(): where the stereo WAV goes
  std::shared_ptr<StereoRecording> recording;
  Endpoint& of(LegId leg) { return leg == a.leg ? a : b; }
  Endpoint& other(LegId leg) { return leg == a.leg ? b : a; }
};

// What record_call() asked for, until the call is bridged.
struct CallRecordingRequest {
  std::filesystem::path path;
  std::chrono::seconds max_length{3600};
};

// One media thread: an io_context serving its channels, with their shared pacing clock.
struct MediaThread {
  MediaThread() : work(asio::make_work_guard(io)), thread([this] { io.run(); }) {}
  ~MediaThread() { stop(); }
  MediaThread(const MediaThread&) = delete;
  MediaThread& operator=(const MediaThread&) = delete;
  void stop() {
    if (!thread.joinable()) return;
    work.reset();
    io.stop();
    thread.join();
  }

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  MediaClock clock{io};  // this thread only
  std::thread thread;    // last: starts running once everything above exists
};

struct MediaState {
  MediaState(Host& host, MediaSettings settings)
      : host(host),
        settings(std::move(settings)),
        channels(host.metrics().gauge("junction_media_channels", "RTP channels open")),
        frames_sent(host.metrics().counter("junction_media_frames_sent_total", "RTP packets sent")),
        dropped(host.metrics().counter("junction_media_packets_dropped_total",
                                       "RTP and RTCP packets received and dropped (malformed, wrong type or sender)")),
        rtcp_sent(host.metrics().counter("junction_media_rtcp_reports_sent_total", "RTCP reports sent")) {
    for (unsigned i = 0; i < std::max(1u, this->settings.threads); ++i)
      media_threads.push_back(std::make_unique<MediaThread>());
  }

  /// The media thread of a call: every channel of one call is served by the same thread, so
  /// that relaying between them needs no locks.
  MediaThread& media_for(const std::string& call_id) {
    return *media_threads[std::hash<std::string>{}(call_id) % media_threads.size()];
  }
  void stop_threads() {
    speech_thread.stop();
    speech_thread.join();
    for (auto& thread : media_threads) thread->stop();
  }

  Host& host;
  MediaSettings settings;
  std::vector<std::unique_ptr<MediaThread>> media_threads;
  asio::thread_pool speech_thread{1};                                         // say(): see RenderOn
  std::unordered_map<std::string, CallMedia> calls;                           // call loop only
  std::unordered_map<std::string, AnchoredCall> anchored;                     // call loop only
  std::unordered_map<std::string, CallRecordingRequest> record_when_bridged;  // call loop only
  MusicLibrary music;  // filled before the first call, read-only after
  std::mt19937_64 ids{std::random_device{}()};
  Gauge& channels;
  Counter& frames_sent;
  Counter& dropped;
  Counter& rtcp_sent;
};

/// The caller's media endpoint, answering the call with our own stream if it has none yet.
/// Returns nullptr and sets `error` ("no_media: ...") when the call cannot have one.
CallMedia* ensure_media(const std::shared_ptr<MediaState>& state, const VerbCall& call, std::string& error);

/// Opens a channel for `leg` towards the far end's session `remote` (a phone's SDP), choosing
/// our codec from it. Digits heard on it go to the call's collect()/record() when `caller`.
/// nullopt with `error` set ("no_media: ...") when that cannot be.
std::optional<Endpoint> open_endpoint(const std::shared_ptr<MediaState>& state, const std::string& call_id, LegId leg,
                                      const SessionDescription& remote, bool caller, std::string& error);
/// Media thread: ticks `transcoder` every turn from `at` on, sending what it gives to the tap's
/// other leg, for as long as the tap relays through it.
void run_transcoder(asio::io_context& io, const std::shared_ptr<MediaTap>& tap, std::shared_ptr<Transcoder> transcoder,
                    std::chrono::steady_clock::time_point at);
/// Closes an endpoint's channel (counting what it dropped).
void close_endpoint(MediaState& state, Endpoint& endpoint);
/// Points an endpoint's channel at the far end `sdp` says (a re-offer or an answer).
bool follow_remote(Endpoint& endpoint, const std::string& sdp, std::string& error);
/// A key the caller of `call_id` pressed (RTP event or SIP INFO) for collect()/record().
void deliver_digit(MediaState& state, const std::string& call_id, char key);
/// Sends the class's music on `channel` until stop_pacing() or another pace().
void pace_music(MediaState& state, const Endpoint& endpoint, const MusicClass& music);

/// The engine's media anchor: phones holding each other get music, record_call() relays.
std::shared_ptr<MediaAnchor> make_anchor(std::weak_ptr<MediaState> state);

/// Where blocking rendering runs: the host's workers, or the plugin's one speech thread
/// (espeak-ng is one global engine: its requests queue there instead of holding workers).
enum class RenderOn { workers, speech_thread };

/// Runs `make_pcm` (files, speech, tones: blocking work) off the call loop and encodes its
/// 8 kHz samples in `encoding`, then hands the frames (or what it threw) to `then` on the call
/// loop.
void render_clip(const std::shared_ptr<MediaState>& state, const std::string& encoding,
                 std::function<std::vector<std::int16_t>()> make_pcm,
                 std::function<void(std::shared_ptr<const CodedClip>, std::string)> then,
                 RenderOn where = RenderOn::workers);

/// The files one after the other, 8 kHz mono. Blocking: for render_clip().
std::vector<std::int16_t> load_clips(const std::vector<std::filesystem::path>& paths);

/// A verb's audio for the caller: rendered on a worker, then played `loops` times; the verb
/// resolves with `true` at the end, rejects with `problem_prefix` + what went wrong, and a
/// hang-up stops the playing.
void play_to_caller(const std::shared_ptr<MediaState>& state, const VerbCall& call, const CallMedia& media,
                    std::function<std::vector<std::int16_t>()> make_pcm, std::int64_t loops,
                    const std::string& problem_prefix, RenderOn where = RenderOn::workers);

/// Sends `clip` on the endpoint's channel, a frame every 20 ms, `loops` times, then runs
/// `finished` on the call loop (not when stopped with stop_pacing()).
void play_clip(const std::shared_ptr<MediaState>& state, const Endpoint& endpoint,
               std::shared_ptr<const CodedClip> clip, std::int64_t loops, std::function<void()> finished);

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
VerbSpec hold_verb(std::weak_ptr<MediaState> state);
VerbSpec unhold_verb(std::weak_ptr<MediaState> state);
VerbSpec record_call_verb(std::weak_ptr<MediaState> state);

}  // namespace junction::media
