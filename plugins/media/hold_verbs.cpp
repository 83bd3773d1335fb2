// hold, unhold and record_call: music for a waiting caller, and recording a bridged call.
#include "media_state.hpp"

namespace junction::media {

namespace {
std::string class_names(const MusicLibrary& music) {
  std::string names;
  for (const auto& [name, unused] : music) names += (names.empty() ? "" : ", ") + name;
  return names;
}
}  // namespace

VerbSpec hold_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "hold";
  spec.params = {{"class", ParamType::string, true, "the music class (default: the plugin's `hold_music`)"}};
  spec.returns = "`true` once the music plays, or `nil, reason`";
  spec.doc =
      "Plays music on hold to the caller (answering the media first) until `unhold()`, another "
      "audio verb or a bridge. Every listener of a class hears one shared stream.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    std::string name = state->settings.hold_music.empty() ? "default" : state->settings.hold_music;
    if (const std::string* given = call.args[0].string()) name = *given;
    auto music = state->music.find(name);
    if (music == state->music.end())
      throw VerbArgumentError("unknown music class '" + name + "' (" + class_names(state->music) + ")");
    std::string error;
    CallMedia* media = ensure_media(state, call, error);
    if (!media) return call.completion->reject(error);
    pace_music(*state, *media, *music->second);
    call.completion->resolve({true});
  };
  return spec;
}

VerbSpec unhold_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "unhold";
  spec.returns = "`true`";
  spec.doc = "Stops the music `hold()` started (the caller then hears silence until the next verb).";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (state) {
      if (auto media = state->calls.find(call.call_id); media != state->calls.end())
        media->second.channel->stop_pacing();
    }
    call.completion->resolve({true});
  };
  return spec;
}

VerbSpec record_call_verb(std::weak_ptr<MediaState> weak) {
  VerbSpec spec;
  spec.name = "record_call";
  spec.params = {{"file", ParamType::string, false, "where the stereo WAV goes (caller left, callee right)"},
                 {"options", ParamType::table, true, "`max_seconds` (1 to 14400, default 3600)"}};
  spec.returns = "`true`";
  spec.doc =
      "Records the call once `dial()` bridges it: both legs are moved onto the server, which relays and "
      "records them until the call ends, then writes the file.";
  spec.handler = [weak](VerbCall& call) {
    auto state = weak.lock();
    if (!state) return call.completion->reject("no_media: the media plugin stopped");
    CallRecordingRequest request;
    request.path = files_of(call.args[0], state->settings.sounds).front();
    if (const ScriptValue* max = call.args[1].field("max_seconds")) {
      if (!max->integer() || *max->integer() < 1 || *max->integer() > 14400)
        throw VerbArgumentError("options.max_seconds must be a whole number of seconds from 1 to 14400");
      request.max_length = std::chrono::seconds(*max->integer());
    }
    const bool first = state->record_when_bridged.insert_or_assign(call.call_id, std::move(request)).second;
    if (first) {
      std::weak_ptr<MediaState> weak_state = state;
      state->host.calls().when_call_ends(call.call_id, [weak_state, call_id = call.call_id] {
        if (auto state = weak_state.lock()) state->record_when_bridged.erase(call_id);
      });
    }
    call.completion->resolve({true});
  };
  return spec;
}

}  // namespace junction::media
