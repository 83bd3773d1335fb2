// Plugin "media": the server as the media endpoint of a call's legs, on its own media thread.
// The verbs (play, tone, say, collect, record, hold, unhold, record_call) and the media anchor
// (music on hold for phones, relaying a recorded call) are in their own files; media_state.hpp
// has what they share.
#include "audio_file.hpp"
#include "media_state.hpp"

namespace junction::media {
namespace {

ConfigSchema media_config_schema() {
  using S = ConfigSchema;
  return S::map({
      {"address", S::string().with_default("127.0.0.1").with_doc("IP literal RTP binds to and offers")},
      {"ports", S::map({{"first", S::integer(1024, 65534).with_default("20000")},
                        {"last", S::integer(1025, 65535).with_default("29999")}})
                    .with_doc("RTP on even ports, RTCP on the odd port above each, all within the range")},
      {"codecs",
       S::list(S::one_of(known_codecs())).with_doc("in order of preference; default [PCMU, PCMA, G722, opus]")},
      {"sounds_directory", S::string().with_doc("where relative file names given to play() are found")},
      {"language", S::string().with_default("en").with_doc("say(): the espeak-ng voice used when a flow names none")},
      {"tone_country", S::one_of({"at", "ch", "de", "fr", "nl", "uk", "us"})
                           .with_default("de")
                           .with_doc("whose ringback, busy and congestion tones tone() plays")},
      {"music_on_hold", S::map_of(S::list(S::string()))
                            .with_doc("music classes: name -> audio files played in turn (relative ones in "
                                      "sounds_directory); a built-in tune is the class `default` unless set here")},
      {"threads", S::integer(0, 64).with_default("0").with_doc(
                      "media threads (each call's channels share one); 0: one per core, at most 4")},
      {"rtcp_interval_s", S::integer(0, 60).with_default("5").with_doc(
                              "seconds between RTCP reports on each stream (randomised by half); 0: none")},
      {"hold_music", S::string().with_default("default").with_doc(
                         "the class a party hears while the phone it talks to holds it; `none`: holds pass "
                         "through to the other phone and nobody hears music")},
  });
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
    settings_.rtcp_interval = std::chrono::seconds(config.get_int("rtcp_interval_s", 5));
    const auto threads = config.get_int("threads", 0);
    settings_.threads =
        threads > 0 ? static_cast<unsigned>(threads) : std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    load_music(config);
  }

  void start(Host& host) override {
    state_ = std::make_shared<MediaState>(host, settings_);
    state_->music = music_;
    host.registrar().set_media_anchor(make_anchor(state_));
    host.registrar().add_script_verb(play_verb(state_));
    host.registrar().add_script_verb(collect_verb(state_));
    host.registrar().add_script_verb(record_verb(state_));
    host.registrar().add_script_verb(tone_verb(state_));
    host.registrar().add_script_verb(say_verb(state_));
    host.registrar().add_script_verb(hold_verb(state_));
    host.registrar().add_script_verb(unhold_verb(state_));
    host.registrar().add_script_verb(record_call_verb(state_));
    host.logger().info("RTP on " + settings_.address + " ports " + std::to_string(settings_.ports.first) + "-" +
                       std::to_string(settings_.ports.last) + ", " + std::to_string(settings_.threads) +
                       " media thread(s)");
  }

  void stop() override {
    if (!state_) return;
    for (auto& [id, media] : state_->calls) media.channel->close();
    for (auto& [id, call] : state_->anchored) {
      if (call.a.channel) call.a.channel->close();
      if (call.b.channel) call.b.channel->close();
    }
    state_->calls.clear();
    state_->anchored.clear();
    state_->stop_threads();
    state_.reset();
  }

 private:
  // Every class is decoded once, here, so a missing or broken file is a configuration error.
  void load_music(const ConfigNode& config) {
    music_.clear();
    music_["default"] = std::make_shared<const MusicClass>(builtin_hold_music(), settings_.codecs);
    if (const ConfigNode* classes = config.find("music_on_hold")) {
      for (const auto& [name, files] : classes->entries()) {
        std::vector<std::filesystem::path> paths;
        for (const ConfigNode& file : files.items()) {
          std::filesystem::path path(file.text());
          if (path.is_relative() && !settings_.sounds.empty()) path = settings_.sounds / path;
          paths.push_back(std::move(path));
        }
        try {
          if (paths.empty()) throw std::runtime_error("no files");
          music_[name] = std::make_shared<const MusicClass>(load_clips(paths), settings_.codecs);
        } catch (const std::exception& e) {
          throw ConfigError(files.mark(), files.path(), std::string("music class '") + name + "': " + e.what());
        }
      }
    }
    const std::string hold = config.get_string("hold_music", "default");
    settings_.hold_music = hold == "none" ? "" : hold;
    if (!settings_.hold_music.empty() && !music_.count(settings_.hold_music)) {
      const ConfigNode* node = config.find("hold_music");
      throw ConfigError(node ? node->mark() : config.mark(), config.path() + ".hold_music",
                        "no music class '" + hold + "' (add it under music_on_hold, or say none)");
    }
  }

  MusicLibrary music_;
  MediaSettings settings_;
  std::shared_ptr<MediaState> state_;
};

}  // namespace
}  // namespace junction::media

JUNCTION_PLUGIN(junction::media::MediaPlugin, "media", "0.1.0",
                "RTP media: announcements, speech, digits, recording, tones, music on hold, call recording, codecs",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), &junction::media::media_config_schema);
