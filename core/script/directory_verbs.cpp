#include "core/script/directory_verbs.hpp"

namespace junction {

void register_directory_verbs(ServiceRegistry& registry, const Directory& directory) {
  VerbSpec lookup;
  lookup.name = "directory.lookup";
  lookup.params = {{"extension", ParamType::string, false, "the user's extension"}};
  lookup.returns =
      "a table with `extension`, `name`, `email`, `language` (empty strings when not set) and "
      "`voicemail` (true when the user has a mailbox to leave messages in: an email to receive them or a "
      "`voicemail_pin` to hear them) and `mailbox` (true when the user has a PIN: messages are kept in the mailbox to "
      "be heard by phone, and light the phones' message-waiting lamps), or `nil` when there is no such user";
  lookup.doc = "The user with this extension, as the configuration lists it (no passwords or PINs).";
  lookup.handler = [&directory](VerbCall& call) {
    const User* user = directory.find(*call.args[0].string());
    if (!user) return call.completion->resolve({ScriptValue()});
    ScriptTable entry;
    entry.fields = {{"extension", user->extension},
                    {"name", user->display_name},
                    {"email", user->email},
                    {"language", user->language},
                    {"voicemail", !user->email.empty() || !user->voicemail_pin.empty()},
                    {"mailbox", !user->voicemail_pin.empty()}};
    call.completion->resolve({ScriptValue(std::move(entry))});
  };
  registry.add_verb("core", std::move(lookup));
}

}  // namespace junction
