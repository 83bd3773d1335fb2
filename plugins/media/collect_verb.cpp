// collect: RFC 4733 digits from the caller, with a prompt, barge-in and timeouts.
#include <optional>

#include "media_state.hpp"

namespace junction::media {

namespace {
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

}  // namespace

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
    // Keys pressed before collect() began count first (type-ahead); those after the ones this
    // collection takes stay for the next (a caller who knows the menu types ahead through it).
    const std::string early = std::exchange(media->typed_ahead, {});
    for (std::size_t i = 0; i < early.size(); ++i) {
      collection->key(early[i]);
      if (collection->done->done()) {
        media->typed_ahead = early.substr(i + 1) + media->typed_ahead;
        return;
      }
    }
    if (prompt.empty() || !collection->digits.empty())
      return collection->wait(collection->digits.empty() ? collection->first_timeout : collection->inter_timeout);
    collection->prompting = true;
    render_clip(
        state, media->format.encoding, [prompt] { return load_clips(prompt); },
        [weak, collection, endpoint = static_cast<const Endpoint&>(*media)](std::shared_ptr<const CodedClip> coded,
                                                                            std::string problem) {
          auto state = weak.lock();
          if (collection->done->done() || !collection->prompting) return;
          if (!state || !problem.empty())
            return collection->stop([&] { collection->done->reject("file: " + problem); });
          play_clip(state, endpoint, std::move(coded), 1, [collection] {
            if (collection->prompting) collection->prompt_ended();
          });
        });
  };
  return spec;
}

}  // namespace junction::media
