// play, tone and say: audio the server sends to the caller.
#include "audio_file.hpp"
#include "media_state.hpp"
#include "speech.hpp"
#include "tones.hpp"

namespace junction::media {

namespace {
// A user who calls hears their own language; someone calling a user hears the user's; else
// the plugin's.
std::string language_for(MediaState& state, const VerbCall& call) {
  const Directory& directory = state.host.directory();
  for (const std::string* number : {&call.caller, &call.callee})
    if (const User* user = directory.find(*number); user && !user->language.empty()) return user->language;
  return state.settings.language;
}
}  // namespace

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
    play_to_caller(
        state, call, *media, [paths] { return load_clips(paths); }, loops, "file: ");
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
    play_to_caller(
        state, call, *media,
        [cadence = *cadence, seconds] { return tone_samples(cadence, std::chrono::seconds(seconds)); }, 1, "tone: ");
  };
  return spec;
}

VerbSpec say_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "say";
  spec.params = {
      {"text", ParamType::string, false, "what to say (up to 2,000 characters)"},
      {"options", ParamType::table, true, "`language` (an espeak-ng voice: en, de, fr ...; default the user's)"}};
  spec.returns = "`true` when said to the end, `nil, reason` otherwise";
  spec.doc = "Speaks the text to the caller with text-to-speech, answering the media first.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    const std::string text = *call.args[0].string();
    if (text.empty() || text.size() > 2000) throw VerbArgumentError("text must have 1 to 2,000 characters");
    std::string language = language_for(*state, call);
    if (const ScriptValue* l = call.args[1].field("language")) {
      if (!l->string() || l->string()->empty() || l->string()->size() > 32)
        throw VerbArgumentError("options.language must be a voice name such as \"en\" or \"de\"");
      language = *l->string();
    }
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    play_to_caller(
        state, call, *media, [text, language] { return synthesize(text, language, kRate); }, 1, "",
        RenderOn::speech_thread);
  };
  return spec;
}

}  // namespace junction::media
