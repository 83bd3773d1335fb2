#include "core/script/location_verbs.hpp"

#include <chrono>

namespace junction {

void register_location_verbs(ServiceRegistry& registry, LocationService& location) {
  VerbSpec lookup;
  lookup.name = "location.lookup";
  lookup.params = {{"extension", ParamType::string, false, "the user's extension"}};
  lookup.returns =
      "a list (newest first) of tables with `contact`, `received` (where the phone was seen, "
      "\"udp:ip:port\"), `user_agent` and `expires_in` (seconds); empty when the user is not registered";
  lookup.doc = "The contacts a user is registered from right now.";
  lookup.handler = [&location](VerbCall& call) {
    const auto now = std::chrono::system_clock::now();
    ScriptTable list;
    for (const ContactBinding& binding : location.lookup(*call.args[0].string())) {
      ScriptTable entry;
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(binding.expires - now).count();
      entry.fields = {{"contact", binding.contact},
                      {"received", binding.received},
                      {"user_agent", binding.user_agent},
                      {"expires_in", static_cast<std::int64_t>(left > 0 ? left : 0)}};
      list.array.emplace_back(std::move(entry));
    }
    call.completion->resolve({ScriptValue(std::move(list))});
  };
  registry.add_verb("core", std::move(lookup));
}

}  // namespace junction
