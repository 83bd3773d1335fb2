// Plugin "pickup": the embedded default mail connector. Each message becomes a complete RFC 5322
// mail (MIME, the recording attached) written atomically into a folder, from which Exchange,
// Postfix's pickup or anyone reading a shared folder takes it. `./scripts/run` works with no
// mail server: the mails pile up in the folder.
#include "junction/junction.hpp"
#include "mail_composer.hpp"
#include "pickup_folder.hpp"

namespace junction::mail {
namespace {

ConfigSchema pickup_config_schema() {
  using S = ConfigSchema;
  std::vector<ConfigSchema::Field> fields{
      {"folder", S::string()
                     .with_default("../var/mail")
                     .with_doc("where the .eml files go; relative to the config file; created if missing")},
      {"from", S::string().with_default("Junction <voicemail@junction.invalid>").with_doc("the mails' From")},
      {"subject",
       S::string()
           .with_default("{kind} message from {sender}")
           .with_doc("template: {id} {kind} {sender} {date} and any message header by name, e.g. {Caller-Name}")},
      {"body", S::string().with_doc("template of the text part, as subject")},
      {"domain", S::string().with_default("junction.invalid").with_doc("the right-hand side of Message-IDs")},
  };
  for (auto& field : audio_config_fields()) fields.push_back(std::move(field));  // audio, opus_bitrate
  return S::map(std::move(fields));
}

class PickupConnector final : public MessageConnector {
 public:
  PickupConnector(std::filesystem::path folder, MailSettings settings, const Directory& directory)
      : folder_(std::move(folder)), settings_(std::move(settings)), directory_(directory) {}

  std::string_view name() const override { return "pickup"; }

  DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) override {
    std::string problem;
    const auto to = mail_addresses(message, directory_, problem);
    if (to.empty()) return {DeliveryResult::Outcome::failed, "no address to deliver to: " + problem};
    return drop_into_folder(folder_, message.id, compose_mail(message, parts, to, settings_));
  }

 private:
  std::filesystem::path folder_;
  MailSettings settings_;
  const Directory& directory_;
};

class PickupPlugin final : public Plugin {
 public:
  void configure(const ConfigNode& config) override {
    folder_ = config.get_string("folder", "../var/mail");
    if (folder_.is_relative() && !config.mark().file.empty())
      folder_ = std::filesystem::path(config.mark().file).parent_path() / folder_;
    folder_ = folder_.lexically_normal();
    settings_.from = config.get_string("from", settings_.from);
    settings_.subject = config.get_string("subject", settings_.subject);
    if (const std::string body = config.get_string("body"); !body.empty()) settings_.body = body;
    settings_.domain = config.get_string("domain", settings_.domain);
    read_audio_config(config, settings_);
  }

  void start(Host& host) override {
    host.registrar().add_message_connector(std::make_shared<PickupConnector>(folder_, settings_, host.directory()));
    host.logger().info("mails go to " + folder_.string() +
                       (settings_.audio == MailSettings::Audio::opus ? " (voice as Opus in Ogg)" : ""));
  }

  void stop() override {}

 private:
  std::filesystem::path folder_;
  MailSettings settings_;
};

}  // namespace
}  // namespace junction::mail

JUNCTION_PLUGIN(junction::mail::PickupPlugin, "pickup", "0.1.0",
                "mail connector: complete .eml files written atomically into a pickup folder", JUNCTION_REQUIRES(),
                JUNCTION_OPTIONAL(), &junction::mail::pickup_config_schema);
